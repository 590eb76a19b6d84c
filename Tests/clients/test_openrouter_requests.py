"""Requests OpenRouter's live API answers 200 (recorded in fixtures/traffic/real/openrouter) are
answered through /api/v1 too, with the SDK; what neither document allows is still a 400."""
import json
import urllib.request

import openai
import pytest

HI = [{"role": "user", "content": "Hi"}]
OPEN_OBJECT = {"type": "object", "properties": {"city": {"type": "string"}}}  # not closed, not all required
STRICT_TOOL = [{"type": "function", "function": {"name": "weather", "strict": True, "parameters": OPEN_OBJECT}}]


def test_other_providers_models_answer_and_are_listed(openrouter, client, base_url):
    reply = openrouter.chat.completions.create(model="anthropic/claude-sonnet-4.5", messages=HI)
    assert reply.model == "anthropic/claude-sonnet-4.5" and reply.choices[0].message.content
    # OpenRouter's list has a shape of its own (no `object` per model), which the SDK's Model refuses.
    with urllib.request.urlopen(base_url + "/api/v1/models", timeout=10) as response:
        assert "anthropic/claude-sonnet-4.5" in [m["id"] for m in json.load(response)["data"]]
    # OpenAI's own API knows nothing of them.
    assert "anthropic/claude-sonnet-4.5" not in [m.id for m in client.models.list()]
    with pytest.raises(openai.NotFoundError):
        client.chat.completions.create(model="anthropic/claude-sonnet-4.5", messages=HI)


def test_video_parts_and_a_saved_preset(openrouter):
    video = [{"role": "user", "content": [{"type": "text", "text": "What happens here?"},
                                          {"type": "video_url", "video_url": {"url": "https://example.com/clip.mp4"}}]}]
    with_video = openrouter.chat.completions.create(model="google/gemini-2.5-flash", messages=video)
    without = openrouter.chat.completions.create(model="google/gemini-2.5-flash", messages=[{"role": "user", "content": "What happens here?"}])
    assert with_video.usage.prompt_tokens > without.usage.prompt_tokens + 1000  # a video costs thousands of tokens
    assert openrouter.chat.completions.create(model="google/gemini-2.5-flash", messages=HI,
                                              extra_body={"preset": "@preset/comedian"}).choices[0].message.content


def test_a_provider_named_by_its_slug(openrouter):
    raw = openrouter.chat.completions.with_raw_response.create(
        model="google/gemini-2.5-flash", messages=HI,
        extra_body={"provider": {"order": ["google-ai-studio"], "allow_fallbacks": False}})
    assert raw.parse().model_extra["provider"] == "Google AI Studio"
    assert raw.headers["x-understudy-attempts"] == "google/gemini-2.5-flash@Google AI Studio=200"


def test_strict_mode_schema_rules_hold_for_openais_models_only(openrouter):
    assert openrouter.chat.completions.create(model="qwen/qwen3-30b-a3b-instruct-2507", messages=HI, tools=STRICT_TOOL)
    for model in ("openai/gpt-4o", "gpt-4o"):
        with pytest.raises(openai.BadRequestError, match="additionalProperties"):
            openrouter.chat.completions.create(model=model, messages=HI, tools=STRICT_TOOL)


def test_a_prediction_that_is_not_an_object_is_a_400(openrouter):
    with pytest.raises(openai.BadRequestError):
        openrouter.chat.completions.create(model="openai/gpt-4o", messages=HI, extra_body={"prediction": "not an object"})


def test_answers_have_openrouters_2026_shape(openrouter, base_url):
    """As OpenRouter's streams recorded 2026-03 to 2026-08: provider after model, every delta
    {content, role} without refusal, a usage chunk that carries service_tier and repeats choice 0's
    finish; completions carry service_tier ("default" from OpenAI and Anthropic, null otherwise)."""
    chunks = list(openrouter.chat.completions.create(model="openai/gpt-4.1-mini", messages=HI, stream=True))
    assert all(c.choices[0].delta.role == "assistant" and c.choices[0].delta.refusal is None for c in chunks)
    last = chunks[-1]
    assert last.usage.total_tokens > 0 and last.service_tier == "default"
    assert last.choices[0].finish_reason == "stop" and last.choices[0].delta.content == ""
    request = urllib.request.Request(base_url + "/api/v1/chat/completions", headers={"content-type": "application/json"},
                                     data=json.dumps({"model": "openai/gpt-4.1-mini", "messages": HI, "stream": True}).encode())
    with urllib.request.urlopen(request, timeout=10) as response:
        first = json.loads(response.read().decode().split("\n\n")[0].removeprefix("data: "))
    assert list(first)[:6] == ["id", "object", "created", "model", "provider", "choices"]
    assert "refusal" not in first["choices"][0]["delta"] and "logprobs" not in first["choices"][0]
    claude = {"model": "anthropic/claude-sonnet-4.6", "messages": HI}
    assert openrouter.chat.completions.create(**claude, extra_body={"provider": {"order": ["anthropic"]}}).service_tier == "default"
    assert openrouter.chat.completions.create(**claude, extra_body={"provider": {"order": ["google"]}}).service_tier is None


def test_responses_carry_openrouters_accounting(openrouter, base_url):
    """As OpenRouter's live Responses were recorded (fixtures/traffic/real/openrouter/responses):
    usage with cost, is_byok and the upstream's share; no output_text (2026-07); [DONE] last (2025-11)."""
    response = openrouter.responses.create(model="openai/gpt-4o", input="What is 2+2?", store=False)
    usage = response.usage.model_dump()
    assert usage["cost"] > 0 and usage["is_byok"] is False
    details = usage["cost_details"]
    assert abs(details["upstream_inference_input_cost"] + details["upstream_inference_output_cost"] - usage["cost"]) < 1e-12
    request = urllib.request.Request(base_url + "/api/v1/responses", headers={"content-type": "application/json"},
                                     data=json.dumps({"model": "openai/gpt-4o", "input": "What is 2+2?", "store": False}).encode())
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert "output_text" not in json.load(answer)
    request = urllib.request.Request(base_url + "/api/v1/responses", headers={"content-type": "application/json"},
                                     data=json.dumps({"model": "openai/gpt-4o", "input": "What is 2+2?", "store": False, "stream": True}).encode())
    with urllib.request.urlopen(request, timeout=10) as answer:
        lines = [line for line in answer.read().decode().splitlines() if line.startswith("data:")]
    assert lines[-1] == "data: [DONE]" and json.loads(lines[-2][5:])["type"] == "response.completed"


def test_server_tools_are_counted_and_a_search_cites(openrouter):
    """openrouter:* tools run on OpenRouter's side: usage.server_tool_use_details counts them and a
    web search's url_citation annotations stream first (recorded 2026-07/08)."""
    asked = [{"role": "user", "content": "What changed in the latest pydantic release?"}]
    tools = [{"type": "openrouter:web_search", "parameters": {"max_uses": 1}}]
    reply = openrouter.chat.completions.create(model="openai/gpt-4.1-mini", messages=asked, extra_body={"tools": tools})
    details = reply.usage.model_dump()["server_tool_use_details"]
    assert details == {"web_search_requests": 1, "tool_calls_requested": 1, "tool_calls_executed": 1}
    cited = reply.choices[0].message.annotations
    assert cited and cited[0].type == "url_citation" and cited[0].url_citation.url.startswith("https://")
    chunks = list(openrouter.chat.completions.create(model="openai/gpt-4.1-mini", messages=asked, stream=True,
                                                     extra_body={"tools": tools}))
    first_text = next(i for i, c in enumerate(chunks) if c.choices and c.choices[0].delta.content)
    assert any(c.choices and c.choices[0].delta.model_extra.get("annotations") for c in chunks[:first_text])
    assert chunks[-1].usage.model_dump()["server_tool_use_details"]["web_search_requests"] == 1
    plain = openrouter.chat.completions.create(model="openai/gpt-4.1-mini", messages=asked)
    assert "server_tool_use_details" not in plain.usage.model_dump()
