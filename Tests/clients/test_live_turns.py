"""Turns the live API takes that depend on more than the request's shape (issue 20), parsed strictly
by the SDK: the reply decision a request may ask for (X-Understudy-Reply), tool search with deferred
functions, server-side compaction, moderated chat completions, and answers as long as asked.
"""
import json
import urllib.error
import urllib.request

import pytest

WEATHER = {"type": "function", "name": "get_weather", "description": "Current weather for a city.",
           "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"], "additionalProperties": False},
           "strict": True}
RATE = {"type": "function", "name": "get_exchange_rate", "description": "Exchange rate between two currencies.", "defer_loading": True,
        "parameters": {"type": "object", "properties": {"pair": {"type": "string"}}, "required": ["pair"], "additionalProperties": False},
        "strict": True}
CHAT_WEATHER = [{"type": "function", "function": {k: v for k, v in WEATHER.items() if k != "type"}}]


def post(url, body, headers=None):
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"content-type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def reply(value):
    return {"extra_headers": {"X-Understudy-Reply": value}}


def test_chat_reply_decision_by_header(client):
    asked = [{"role": "user", "content": "What is the weather in Paris?"}]
    assert client.chat.completions.create(model="gpt-4o", messages=asked, tools=CHAT_WEATHER).choices[0].message.tool_calls
    text = client.chat.completions.create(model="gpt-4o", messages=asked, tools=CHAT_WEATHER, **reply("text")).choices[0]
    assert text.message.tool_calls is None and text.message.content and text.finish_reason == "stop"
    # After a tool result a model may call again.
    called = client.chat.completions.create(model="gpt-4o", tools=CHAT_WEATHER, **reply("call"), messages=asked + [
        {"role": "assistant", "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}}]},
        {"role": "tool", "tool_call_id": "call_1", "content": "18C, cloudy"}]).choices[0]
    assert called.finish_reason == "tool_calls" and called.message.tool_calls[0].function.name == "get_weather"
    both = client.chat.completions.create(model="gpt-4o", messages=asked, tools=CHAT_WEATHER, **reply("preamble")).choices[0].message
    assert both.content and both.tool_calls
    # A forced call stays a call; the same request without the header is answered as before.
    forced = client.chat.completions.create(model="gpt-4o", messages=asked, tools=CHAT_WEATHER, tool_choice="required", **reply("text"))
    assert forced.choices[0].message.tool_calls


def test_reply_header_bad_value_is_a_400(base_url):
    status, body = post(base_url + "/v1/chat/completions", {"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]},
                        {"x-understudy-reply": "maybe"})
    assert status == 400 and json.loads(body)["error"]["code"] == "unknown_reply"
    status, _ = post(base_url + "/v1/chat/completions", {"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]},
                     {"prefer": "reply=text"})
    assert status == 200


def test_responses_preamble_is_commentary(client):
    response = client.responses.create(model="gpt-5.4", input="What is the weather in Paris?", tools=[WEATHER], **reply("preamble"))
    kinds = [(item.type, getattr(item, "phase", None)) for item in response.output if item.type != "reasoning"]
    assert kinds == [("message", "commentary"), ("function_call", None)]
    final = client.responses.create(model="gpt-5.4", input="What is the weather in Paris?", tools=[WEATHER], **reply("text"))
    assert [item.phase for item in final.output if item.type == "message"] == ["final_answer"]


def test_server_tool_search_loads_then_calls(client):
    tools = [{"type": "tool_search"}, WEATHER, RATE]
    response = client.responses.create(model="gpt-5.4", input="What is the exchange rate from EUR to USD?", tools=tools)
    kinds = [item.type for item in response.output if item.type != "reasoning"]
    assert kinds == ["tool_search_call", "tool_search_output", "function_call"]
    search, loaded, call = [item for item in response.output if item.type != "reasoning"]
    assert search.execution == "server" and search.call_id is None and search.arguments == {"paths": ["get_exchange_rate"]}
    assert [t.name for t in loaded.tools] == ["get_exchange_rate"]
    assert call.name == "get_exchange_rate" and call.namespace == "get_exchange_rate"
    # Asked for a plain answer, it neither searches nor calls; a later turn needs no second search.
    plain = client.responses.create(model="gpt-5.4", input="What is the exchange rate from EUR to USD?", tools=tools, **reply("text"))
    assert [item.type for item in plain.output if item.type != "reasoning"] == ["message"]
    later = client.responses.create(model="gpt-5.4", tools=tools, input=[
        {"role": "user", "content": "What is the exchange rate from EUR to USD?"},
        {"type": "tool_search_call", "id": search.id, "call_id": None, "execution": "server", "arguments": search.arguments, "status": "completed"},
        {"type": "tool_search_output", "id": loaded.id, "call_id": None, "execution": "server", "tools": [RATE], "status": "completed"},
        {"role": "user", "content": "And the exchange rate from GBP to USD?"}])
    assert [item.type for item in later.output if item.type != "reasoning"] == ["function_call"]
    # Deferred functions are not called before a search loads them.
    before = client.responses.create(model="gpt-5.4", input="What is the exchange rate?", tools=tools, **reply("call"))
    assert [item.name for item in before.output if item.type == "function_call"] == ["get_weather"]


def test_client_tool_search_is_the_whole_turn(client):
    search_tool = {"type": "tool_search", "execution": "client", "description": "Find tools.",
                   "parameters": {"type": "object", "properties": {"queries": {"type": "array", "items": {"type": "string"}}},
                                  "required": ["queries"], "additionalProperties": False}}
    events = list(client.responses.create(model="gpt-5.4", input="What is the exchange rate from EUR to USD?",
                                          tools=[search_tool, WEATHER, RATE], stream=True))
    done = [e.item for e in events if e.type == "response.output_item.done" and e.item.type != "reasoning"]
    assert [item.type for item in done] == ["tool_search_call"]
    assert done[0].execution == "client" and done[0].call_id.startswith("call_") and done[0].arguments["queries"]
    added = next(e.item for e in events if e.type == "response.output_item.added" and e.item.type == "tool_search_call")
    assert added.status == "in_progress" and added.arguments == {}


def test_namespace_functions_are_called_with_their_namespace(client):
    space = {"type": "namespace", "name": "travel", "description": "Travel tools.", "tools": [{k: v for k, v in WEATHER.items() if k != "strict"}]}
    response = client.responses.create(model="gpt-5.4", input="What is the weather in Paris?", tools=[space])
    call = next(item for item in response.output if item.type == "function_call")
    assert call.name == "get_weather" and call.namespace == "travel"


def test_server_side_compaction(client):
    turns = [{"role": "user", "content": "Write a 300-word story about a lighthouse."}]
    small = client.responses.create(model="gpt-4.1", input=turns, context_management=[{"type": "compaction", "compact_threshold": 100000}])
    assert [item.type for item in small.output] == ["message"]
    long_turns = turns + [{"role": "assistant", "content": small.output[0].content[0].text}, {"role": "user", "content": "Now a 600-word one."}]
    events = list(client.responses.create(model="gpt-4.1", input=long_turns, stream=True,
                                          context_management=[{"type": "compaction", "compact_threshold": 1000}]))
    final = events[-1].response
    assert final.usage.total_tokens > 1000 and [item.type for item in final.output] == ["message", "compaction"]
    compaction = final.output[1]
    assert compaction.id.startswith("cmp_") and compaction.encrypted_content
    # The next turn sends it back and is billed for what it stands for.
    later = client.responses.create(model="gpt-4.1", input=[{"type": "compaction", "id": compaction.id,
                                                             "encrypted_content": compaction.encrypted_content},
                                                            {"role": "user", "content": "Give it a title."}])
    assert later.usage.input_tokens > final.usage.output_tokens // 2
    with pytest.raises(Exception) as refused:
        client.responses.create(model="gpt-4.1", input="hi", context_management=[{"type": "compaction", "compact_threshold": 10}])
    assert getattr(refused.value, "status_code", None) == 400


def test_asked_length_is_followed(client):
    short = client.responses.create(model="gpt-4.1", input="Describe a lighthouse in 20 words.")
    long = client.responses.create(model="gpt-4.1", input="Describe a lighthouse in 500 words.")
    assert short.usage.output_tokens < 60 < 500 < long.usage.output_tokens
    capped = client.responses.create(model="gpt-4.1", input="Describe a lighthouse in 500 words.", max_output_tokens=50)
    assert capped.status == "incomplete" and capped.usage.output_tokens == 50


def test_moderated_chat_completion(client):
    asked = [{"role": "user", "content": "What is the capital of France?"}]
    moderation = {"model": "omni-moderation-latest"}
    completion = client.chat.completions.create(model="gpt-5", messages=asked, extra_body={"moderation": moderation})
    result = completion.moderation
    assert result.input.type == "moderation_results" and result.input.model == "omni-moderation-latest"
    scores = result.output.results[0]
    assert not scores.flagged and set(scores.categories) == set(scores.category_scores) and "violence/graphic" in scores.categories
    assert all(0 <= s < 0.01 for s in scores.category_scores.values())
    again = client.chat.completions.create(model="gpt-5", messages=asked, extra_body={"moderation": moderation})
    assert again.moderation.input.results[0].category_scores == result.input.results[0].category_scores
    chunks = list(client.chat.completions.create(model="gpt-5", messages=asked, stream=True, stream_options={"include_usage": True},
                                                 extra_body={"moderation": moderation}))
    assert chunks[-2].usage is not None and chunks[-1].moderation is not None and chunks[-1].choices == []
    assert client.chat.completions.create(model="gpt-5", messages=asked).moderation is None
