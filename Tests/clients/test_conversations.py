"""The Conversations API and the `conversation` parameter of Responses through the official SDK,
parsing strictly."""
import json

import openai
import pytest


def texts(items):
    return [item.content[0].text for item in items]


def test_create_retrieve_update_delete(client):
    conversation = client.conversations.create(
        metadata={"topic": "tides"},
        items=[{"type": "message", "role": "user", "content": "Hello"},
               {"type": "message", "role": "assistant", "content": "Hi there"}])
    assert conversation.object == "conversation" and conversation.id.startswith("conv_")
    assert conversation.created_at == 1751328000  # the server's --clock
    assert conversation.metadata == {"topic": "tides"}
    assert client.conversations.retrieve(conversation.id) == conversation
    updated = client.conversations.update(conversation.id, metadata={"topic": "moons"})
    assert updated.metadata == {"topic": "moons"} and updated.id == conversation.id
    assert client.conversations.retrieve(conversation.id).metadata == {"topic": "moons"}
    deleted = client.conversations.delete(conversation.id)
    assert (deleted.id, deleted.object, deleted.deleted) == (conversation.id, "conversation.deleted", True)
    with pytest.raises(openai.NotFoundError) as missing:
        client.conversations.retrieve(conversation.id)
    assert missing.value.body["message"] == f"Conversation with id '{conversation.id}' not found."
    assert client.conversations.create().metadata == {}


def test_items_list_pages_and_orders(client):
    words = ["one", "two", "three", "four", "five"]
    conversation = client.conversations.create(
        items=[{"type": "message", "role": "user" if i % 2 == 0 else "assistant", "content": w} for i, w in enumerate(words)])
    page = client.conversations.items.list(conversation.id, limit=2)
    assert texts(page.data) == ["five", "four"] and page.has_more
    assert texts(client.conversations.items.list(conversation.id, limit=2, after=page.last_id).data) == ["three", "two"]
    # The SDK's auto-pagination follows last_id through every page.
    assert texts(client.conversations.items.list(conversation.id, limit=2, order="asc")) == words
    everything = client.conversations.items.list(conversation.id, order="asc", include=["message.output_text.logprobs"]).data
    assert [item.role for item in everything] == ["user", "assistant", "user", "assistant", "user"]
    assert all(item.type == "message" and item.status == "completed" and item.id.startswith("msg_") for item in everything)
    assert len({item.id for item in everything}) == 5


def test_items_create_retrieve_delete(client):
    conversation = client.conversations.create()
    added = client.conversations.items.create(conversation.id, items=[
        {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "What is a tide?"}]},
        {"type": "function_call_output", "call_id": "call_1", "output": "42"},
    ])
    assert [item.type for item in added.data] == ["message", "function_call_output"]
    assert added.first_id == added.data[0].id and added.last_id == added.data[1].id
    assert added.data[1].call_id == "call_1" and added.data[1].output == "42"
    item = client.conversations.items.retrieve(added.data[0].id, conversation_id=conversation.id)
    assert item.id == added.data[0].id and item.content[0].text == "What is a tide?"
    after = client.conversations.items.delete(added.data[0].id, conversation_id=conversation.id)
    assert after.id == conversation.id and after.object == "conversation"
    with pytest.raises(openai.NotFoundError):
        client.conversations.items.retrieve(added.data[0].id, conversation_id=conversation.id)
    assert [i.id for i in client.conversations.items.list(conversation.id).data] == [added.data[1].id]
    with pytest.raises(openai.BadRequestError) as too_many:
        client.conversations.items.create(conversation.id, items=[{"type": "message", "role": "user", "content": "x"}] * 21)
    assert too_many.value.code == "array_above_max_length"


def test_responses_in_a_conversation_see_earlier_items_and_add_theirs(client):
    asked = 'Tell me about Paris with the keys "city" (a string) and "population" (an integer).'
    conversation = client.conversations.create(items=[{"type": "message", "role": "user", "content": asked}])
    # The turn does not name the keys: the answer has them because the conversation was read.
    first = client.responses.create(model="gpt-4o", conversation=conversation.id, input="Now reply in JSON.",
                                    text={"format": {"type": "json_object"}})
    assert first.conversation.id == conversation.id and first.previous_response_id is None
    answer = json.loads(first.output_text)
    assert list(answer) == ["city", "population"] and isinstance(answer["population"], int)
    second = client.responses.create(model="gpt-4o", conversation={"id": conversation.id}, input="And the river?")
    assert second.conversation.id == conversation.id
    assert second.usage.input_tokens > first.usage.input_tokens
    assert 0 < second.usage.input_tokens_details.cached_tokens < second.usage.input_tokens
    items = client.conversations.items.list(conversation.id, order="asc").data
    assert [(item.role, item.content[0].text) for item in items] == [
        ("user", asked), ("user", "Now reply in JSON."), ("assistant", first.output_text),
        ("user", "And the river?"), ("assistant", second.output_text)]
    assert items[2].id == first.output[0].id and items[4].id == second.output[0].id
    # The same turn in a conversation without the keys: another answer.
    plain = client.conversations.create(items=[{"type": "message", "role": "user", "content": "Tell me about Paris."}])
    other = client.responses.create(model="gpt-4o", conversation=plain.id, input="Now reply in JSON.",
                                    text={"format": {"type": "json_object"}})
    assert list(json.loads(other.output_text)) == ["topic", "answer"]


def test_conversation_errors(client):
    with pytest.raises(openai.BadRequestError) as both:
        client.responses.create(model="gpt-4o", input="hi", conversation="conv_1", previous_response_id="resp_1")
    assert both.value.code == "mutually_exclusive_parameters" and both.value.param is None
    with pytest.raises(openai.NotFoundError) as unknown:
        client.responses.create(model="gpt-4o", input="hi", conversation="conv_missing")
    assert unknown.value.body["message"] == "Conversation with id 'conv_missing' not found."
    with pytest.raises(openai.NotFoundError):
        client.conversations.items.list("conv_missing")
