"""The Responses API through the official SDK, parsing strictly, including its stream helper."""
import openai
import pytest


def test_create_and_retrieve(client):
    response = client.responses.create(model="gpt-4o", input="Explain how tides work", instructions="Be clear.")
    assert response.object == "response" and response.id.startswith("resp_")
    assert response.status == "completed"
    assert response.model == "gpt-4o-2024-08-06"
    assert response.output[0].type == "message"
    assert "tides" in response.output_text
    usage = response.usage
    assert usage.total_tokens == usage.input_tokens + usage.output_tokens
    assert usage.input_tokens_details.cached_tokens == 0
    again = client.responses.retrieve(response.id)
    assert again.id == response.id and again.output_text == response.output_text


def test_max_output_tokens_makes_it_incomplete(client):
    response = client.responses.create(model="gpt-4o", input="Tell me about glaciers", max_output_tokens=16)
    assert response.status == "incomplete"
    assert response.incomplete_details.reason == "max_output_tokens"
    assert response.usage.output_tokens == 16


def test_reasoning_model_reports_reasoning(client):
    response = client.responses.create(model="gpt-5", input="Why is the sky blue?", reasoning={"effort": "low", "summary": "auto"})
    assert [item.type for item in response.output] == ["reasoning", "message"]
    assert response.output[0].summary[0].text
    assert response.to_dict()["output"][0]["content"] == []  # every recorded reasoning item since 2026-06
    assert 64 <= response.usage.output_tokens_details.reasoning_tokens < 192


def test_stream_helper_gets_the_final_response(client):
    with client.responses.stream(model="gpt-4o", input="Describe a lighthouse") as stream:
        deltas = [event.delta for event in stream if event.type == "response.output_text.delta"]
        final = stream.get_final_response()
    assert "".join(deltas) == final.output_text
    assert final.status == "completed"
    assert final.usage.output_tokens == len(deltas)


def test_chain_with_previous_response_id(client):
    first = client.responses.create(model="gpt-4o", input="Name a planet")
    second = client.responses.create(model="gpt-4o", input="And another one?", previous_response_id=first.id)
    assert second.previous_response_id == first.id
    assert second.usage.input_tokens > first.usage.input_tokens
    assert 0 < second.usage.input_tokens_details.cached_tokens < second.usage.input_tokens
    with pytest.raises(openai.BadRequestError) as info:
        client.responses.create(model="gpt-4o", input="x", previous_response_id="resp_missing")
    assert info.value.param == "previous_response_id"


def test_input_items_and_delete(client):
    response = client.responses.create(model="gpt-4o", input=[
        {"role": "user", "content": "First question"},
        {"role": "assistant", "content": "First answer"},
        {"role": "user", "content": [{"type": "input_text", "text": "Second question"}]},
    ])
    items = client.responses.input_items.list(response.id, order="asc")
    texts = [item.content[0].text for item in items.data]
    assert texts == ["First question", "First answer", "Second question"]
    page = client.responses.input_items.list(response.id, limit=2)
    assert len(page.data) == 2 and page.has_more and page.data[0].content[0].text == "Second question"
    client.responses.delete(response.id)
    with pytest.raises(openai.NotFoundError):
        client.responses.retrieve(response.id)


def test_background_response_completes_when_polled(client):
    queued = client.responses.create(model="gpt-4o", input="Write a long essay about rivers", background=True)
    assert queued.status == "queued" and queued.output == []
    statuses = [client.responses.retrieve(queued.id).status for _ in range(3)]
    assert statuses == ["in_progress", "completed", "completed"]
    assert client.responses.retrieve(queued.id).output_text


RATE = {"type": "function", "name": "get_exchange_rate", "description": "Look up an exchange rate.", "defer_loading": True,
        "parameters": {"type": "object", "properties": {"pair": {"type": "string"}}, "required": ["pair"], "additionalProperties": False}}
WEATHER = {"type": "function", "name": "get_weather", "description": "Get the weather for a city.",
           "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}


def _loaded(kind):
    """Input where a tool search (or an additional_tools item) loaded get_exchange_rate."""
    search = [{"type": "tool_search_call", "call_id": "call_1", "execution": "client", "status": "completed", "arguments": {"queries": ["rates"]}},
              {"type": "tool_search_output", "call_id": "call_1", "execution": "client", "status": "completed", "tools": [RATE]}]
    additional = [{"type": "additional_tools", "role": "developer", "tools": [{k: v for k, v in RATE.items() if k != "defer_loading"}]}]
    return [{"role": "user", "content": "What is the euro worth in dollars?"}] + (search if kind == "search" else additional)


def test_tools_listed_back_as_the_live_api_lists_them(client):
    """Functions first, then hosted tools, then namespaces; a loaded function becomes a namespace of
    its own; a function without `strict` is listed with the parameters strict mode made of them
    (recorded: pydantic-ai's and simonw/llm's Responses cassettes, 2025-08 to 2026-08)."""
    response = client.responses.create(model="gpt-5.4", input=_loaded("search"), tools=[{"type": "tool_search"}, WEATHER, RATE])
    assert [(t.type, getattr(t, "name", None)) for t in response.tools] == [
        ("function", "get_weather"), ("tool_search", None), ("namespace", "get_exchange_rate")]
    weather = response.tools[0]
    assert weather.strict is True
    assert weather.parameters == {"type": "object", "properties": {"city": {"type": "string"}}, "additionalProperties": False, "required": ["city"]}
    namespace = response.to_dict()["tools"][2]
    assert namespace["description"] == RATE["description"]
    assert [(t["name"], t["strict"], "defer_loading" in t) for t in namespace["tools"]] == [("get_exchange_rate", True, False)]


@pytest.mark.parametrize("model, listed", [("gpt-5.4", [("function", "get_weather"), ("namespace", "get_exchange_rate")]),
                                           ("gpt-5.6", [("function", "get_weather"), ("function", "get_exchange_rate")])])
def test_additional_tools_listed_by_model(client, model, listed):
    """gpt-5 and gpt-5.4 list a function an additional_tools item loads as a namespace (2026-07),
    gpt-5.6 as a function (2026-08); a stored Response is listed the same way when retrieved."""
    response = client.responses.create(model=model, input=_loaded("additional"), tools=[WEATHER])
    assert [(t.type, getattr(t, "name", None)) for t in response.tools] == listed
    again = client.responses.retrieve(response.id)
    assert again.to_dict()["tools"] == response.to_dict()["tools"]
