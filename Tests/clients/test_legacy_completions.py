"""POST /v1/completions, the legacy endpoint, through the official SDK parsing strictly: the
instruct and base models answer JSON and streams as the live API records them; chat models are
refused there, and the legacy models on chat, in the live API's words."""
import openai
import pytest


def test_a_completion_as_json(client):
    reply = client.completions.create(model="gpt-3.5-turbo-instruct", prompt="Say this is a test", max_tokens=30)
    assert reply.object == "text_completion" and reply.id.startswith("cmpl-")
    assert reply.model == "gpt-3.5-turbo-instruct:20230824-v2"
    choice = reply.choices[0]
    assert choice.text and choice.index == 0 and choice.logprobs is None
    assert choice.finish_reason in ("stop", "length")
    assert reply.usage.total_tokens == reply.usage.prompt_tokens + reply.usage.completion_tokens
    assert reply.usage.completion_tokens <= 30


def test_the_default_is_sixteen_tokens_and_n_choices_per_prompt(client):
    reply = client.completions.create(model="davinci-002", prompt=["Tell me about owls", "Tell me about larks"], n=2)
    assert [c.index for c in reply.choices] == [0, 1, 2, 3]
    assert reply.usage.completion_tokens <= 4 * 16


def test_a_stream_with_usage(base_url):
    # finish_reason is null until a choice's last text, as the live API streams it (vercel/ai's
    # recording, 2026-02), which the SDK's strict mode refuses (its type allows no null): so a
    # client as the SDK's users have it, without strict validation.
    client = openai.OpenAI(base_url=base_url + "/v1", api_key="sk-test", max_retries=0)
    chunks = list(client.completions.create(model="babbage-002", prompt="Tell me about owls", max_tokens=20, stream=True,
                                            stream_options={"include_usage": True}))
    text_chunks, last = chunks[:-1], chunks[-1]
    assert all(c.object == "text_completion" and c.usage is None for c in text_chunks)
    assert [c.choices[0].finish_reason for c in text_chunks][:-1] == [None] * (len(text_chunks) - 1)
    assert text_chunks[-1].choices[0].finish_reason in ("stop", "length")
    assert last.choices == [] and last.usage.completion_tokens == len(text_chunks)


def test_chat_models_and_legacy_models_stay_on_their_endpoints(client):
    with pytest.raises(openai.NotFoundError, match="This is a chat model and not supported in the v1/completions endpoint"):
        client.completions.create(model="gpt-4o", prompt="Hello")
    with pytest.raises(openai.NotFoundError, match="not a chat model"):
        client.chat.completions.create(model="gpt-3.5-turbo-instruct", messages=[{"role": "user", "content": "Hello"}])


def test_an_unknown_member_is_the_live_api_400(client):
    with pytest.raises(openai.BadRequestError):
        client.completions.create(model="gpt-3.5-turbo-instruct", prompt="Hello", extra_body={"messages": []})
