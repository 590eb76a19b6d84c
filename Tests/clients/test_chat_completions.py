"""Chat Completions through the official SDK, parsing strictly."""
import openai
import pytest

IMAGE = "https://upload.wikimedia.org/wikipedia/commons/thumb/d/dd/Gfp-wisconsin-madison-the-nature-boardwalk.jpg/2560px-Gfp-wisconsin-madison-the-nature-boardwalk.jpg"


def test_create_with_two_choices(client):
    completion = client.chat.completions.create(
        model="gpt-4o", n=2, messages=[{"role": "user", "content": "Explain how rainbows form"}]
    )
    assert completion.object == "chat.completion"
    assert completion.id.startswith("chatcmpl-")
    assert completion.model == "gpt-4o-2024-08-06"
    assert [c.index for c in completion.choices] == [0, 1]
    assert all(c.finish_reason == "stop" and c.message.role == "assistant" for c in completion.choices)
    assert all("rainbows" in c.message.content for c in completion.choices)
    assert completion.choices[0].message.content != completion.choices[1].message.content
    usage = completion.usage
    assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens
    assert usage.prompt_tokens_details.cached_tokens == 0
    assert usage.completion_tokens_details.reasoning_tokens == 0


def test_max_tokens_cut_reports_length(client):
    completion = client.chat.completions.create(
        model="gpt-4o", max_completion_tokens=6, messages=[{"role": "user", "content": "Tell me about glaciers"}]
    )
    assert completion.choices[0].finish_reason == "length"
    assert completion.usage.completion_tokens == 6
    legacy = client.chat.completions.create(
        model="gpt-4o", max_tokens=3, messages=[{"role": "user", "content": "Tell me about glaciers"}]
    )
    assert legacy.usage.completion_tokens == 3


def test_image_part_is_billed_by_detail(client):
    def prompt_tokens(detail):
        completion = client.chat.completions.create(
            model="openai/gpt-4.5-preview",
            messages=[{"role": "user", "content": [
                {"type": "text", "text": "What is in this image?"},
                {"type": "image_url", "image_url": {"url": IMAGE, "detail": detail}},
            ]}],
        )
        assert completion.choices[0].message.content
        return completion.usage.prompt_tokens

    assert prompt_tokens("high") - prompt_tokens("low") == 765 - 85


def test_stream_with_include_usage(client):
    stream = client.chat.completions.create(
        model="gpt-4o",
        stream=True,
        stream_options={"include_usage": True},
        messages=[{"role": "user", "content": "Write a haiku about harbours"}],
    )
    chunks = list(stream)
    assert chunks[0].choices[0].delta.role == "assistant"
    content = [c.choices[0].delta.content for c in chunks[1:-2]]
    assert all(content)
    assert chunks[-2].choices[0].finish_reason == "stop"
    last = chunks[-1]
    assert last.choices == []
    assert last.usage.completion_tokens == len(content)
    assert all(c.usage is None for c in chunks[:-1])
    assert len({c.id for c in chunks}) == 1


def test_stream_helper_accumulates(client):
    with client.chat.completions.stream(
        model="gpt-4o", messages=[{"role": "user", "content": "Describe a lighthouse"}], seed=5
    ) as stream:
        text = "".join(event.delta for event in stream if event.type == "content.delta")
        final = stream.get_final_completion()
    assert text == final.choices[0].message.content
    again = client.chat.completions.create(
        model="gpt-4o", messages=[{"role": "user", "content": "Describe a lighthouse"}], seed=5
    )
    assert again.choices[0].message.content == text


def test_unknown_model_raises_not_found(client):
    with pytest.raises(openai.NotFoundError) as info:
        client.chat.completions.create(model="gpt-9", messages=[{"role": "user", "content": "hi"}])
    error = info.value
    assert error.status_code == 404
    assert error.code == "model_not_found"
    assert error.type == "invalid_request_error"
    assert "gpt-9" in error.message
    assert error.request_id.startswith("req_")


def test_bad_parameter_raises_bad_request(client):
    with pytest.raises(openai.BadRequestError) as info:
        client.chat.completions.create(model="gpt-4o", n=500, messages=[{"role": "user", "content": "hi"}])
    assert info.value.param == "n"
    assert info.value.code == "integer_above_max_value"


def test_context_length_exceeded(client):
    with pytest.raises(openai.BadRequestError) as info:
        client.chat.completions.create(model="gpt-4", messages=[{"role": "user", "content": "word " * 9000}])
    assert info.value.code == "context_length_exceeded"
    assert info.value.param == "messages"


def test_models(client):
    ids = [m.id for m in client.models.list()]
    assert {"gpt-4.5-preview", "gpt-4o", "gpt-4o-mini", "gpt-4", "gpt-5", "gpt-5-mini", "gpt-4.1", "o3", "o4-mini"} <= set(ids)
    assert len(ids) == len(set(ids)) >= 50
    # As the live API lists them: `system` since late 2023, `openai` for the older models.
    gpt5 = client.models.retrieve("gpt-5")
    assert gpt5.owned_by == "system" and gpt5.object == "model"
    assert client.models.retrieve("gpt-4").owned_by == "openai"


def test_openrouter_base_path(openrouter):
    completion = openrouter.chat.completions.create(
        model="openai/gpt-4o", messages=[{"role": "user", "content": "Name a mountain"}]
    )
    assert completion.id.startswith("gen-")
    assert completion.model == "openai/gpt-4o"
    assert completion.model_extra.get("provider") == "OpenAI"


def test_openrouter_models_fallback_through_extra_body(openrouter):
    """Tests/clients/scenarios.yaml fails openai/gpt-4 on OpenRouter; `models` falls through to gpt-4o."""
    completion = openrouter.chat.completions.create(
        model="openai/gpt-4", messages=[{"role": "user", "content": "Name a mountain"}],
        extra_body={"models": ["openai/gpt-4o"]}, extra_headers={"x-scenario-test": "fallback"})
    assert completion.model == "openai/gpt-4o"
    assert completion.usage.model_extra["cost"] > 0
