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
