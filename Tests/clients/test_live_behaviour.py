"""Issue 10: what the live API does where the published document is silent, through the official
SDK parsing strictly. Each test is one of the reports that real clients failed on."""

WEATHER = {
    "type": "function",
    "name": "get_weather",
    "description": "Get the current weather for a city.",
    # What langchain-openai's bind_tools sends: no `strict`, no `additionalProperties`, an optional property.
    "parameters": {
        "type": "object",
        "properties": {"location": {"type": "string"}, "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}},
        "required": ["location"],
    },
}


def test_responses_tool_without_strict_is_made_strict_not_refused(client):
    response = client.responses.create(model="gpt-4o", input="What is the weather in Paris?", tools=[WEATHER])
    call = response.output[0]
    assert call.type == "function_call" and call.name == "get_weather"
    import json
    arguments = json.loads(call.arguments)
    assert set(arguments) == {"location", "unit"}, arguments  # strict: every property present
    assert "Paris" in arguments["location"]
    assert response.tools[0].strict is True


def test_explicit_strict_with_an_open_schema_is_still_a_400(client):
    import openai
    import pytest
    with pytest.raises(openai.BadRequestError) as raised:
        client.responses.create(model="gpt-4o", input="Weather in Paris?", tools=[{**WEATHER, "strict": True}])
    assert raised.value.body["code"] == "invalid_json_schema"


def test_background_stream_streams_and_resumes_after_a_sequence_number(client):
    events = list(client.responses.create(model="gpt-4o", input="Explain how tides work", background=True, stream=True))
    assert events[0].type == "response.created" and events[-1].type == "response.completed"
    assert [e.sequence_number for e in events] == list(range(len(events)))
    response_id = events[0].response.id
    cut = len(events) // 2
    resumed = list(client.responses.retrieve(response_id, stream=True, starting_after=cut))
    assert [e.sequence_number for e in resumed] == list(range(cut + 1, len(events)))
    assert resumed[-1].response.output_text == events[-1].response.output_text


def test_chat_logprobs_are_negative_with_the_chosen_token_most_likely(client):
    completion = client.chat.completions.create(
        model="gpt-4o", messages=[{"role": "user", "content": "Say something about copper."}], logprobs=True, top_logprobs=3)
    content = completion.choices[0].logprobs.content
    message = completion.choices[0].message.content
    assert "".join(t.token for t in content) == message
    for token in content:
        assert token.logprob < 0 and token.bytes == list(token.token.encode())
        assert len(token.top_logprobs) == 3 and token.top_logprobs[0].token == token.token
        assert [t.logprob for t in token.top_logprobs] == sorted((t.logprob for t in token.top_logprobs), reverse=True)
    streamed = client.chat.completions.create(
        model="gpt-4o", messages=[{"role": "user", "content": "Say something about copper."}], logprobs=True, top_logprobs=3,
        stream=True)
    tokens = [t for chunk in streamed if chunk.choices and chunk.choices[0].logprobs for t in chunk.choices[0].logprobs.content]
    assert [(t.token, t.logprob) for t in tokens] == [(t.token, t.logprob) for t in content]


def test_responses_logprobs_when_included(client):
    response = client.responses.create(model="gpt-4o", input="Say something about copper.",
                                       include=["message.output_text.logprobs"], top_logprobs=2)
    part = response.output[0].content[0]
    assert "".join(t.token for t in part.logprobs) == part.text
    assert all(t.logprob < 0 and len(t.top_logprobs) == 2 for t in part.logprobs)
    plain = client.responses.create(model="gpt-4o", input="Say something about copper.")
    assert plain.output[0].content[0].logprobs == []


def test_json_mode_answers_with_the_keys_the_prompt_names(client):
    import json
    completion = client.chat.completions.create(
        model="gpt-4o", response_format={"type": "json_object"},
        messages=[{"role": "user", "content": 'Ada Lovelace was 36. Answer in JSON with the keys "name" (a string) and "age" (an integer).'}])
    answer = json.loads(completion.choices[0].message.content)
    assert set(answer) == {"name", "age"} and isinstance(answer["age"], int) and isinstance(answer["name"], str)


def test_stored_chat_completions_list_retrieve_update_delete_and_messages(client):
    tag = {"suite": "stored-completions"}
    made = [client.chat.completions.create(model="gpt-4o", store=True, metadata={**tag, "n": str(i)},
                                           messages=[{"role": "system", "content": "Be brief."},
                                                     {"role": "user", "content": f"Fact number {i} about copper?"}])
            for i in range(3)]
    client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "not stored"}])
    listed = client.chat.completions.list(metadata=tag, limit=2)
    assert [c.id for c in listed.data] == [made[0].id, made[1].id] and listed.has_more
    assert [c.id for c in client.chat.completions.list(metadata=tag, order="desc").data] == [m.id for m in reversed(made)]
    assert client.chat.completions.list(model="gpt-4o", metadata={"n": "2", **tag}).data[0].id == made[2].id
    retrieved = client.chat.completions.retrieve(made[1].id)
    assert retrieved.choices[0].message.content == made[1].choices[0].message.content
    client.chat.completions.update(made[1].id, metadata={**tag, "n": "changed"})
    assert [c.id for c in client.chat.completions.list(metadata={**tag, "n": "changed"}).data] == [made[1].id]
    deleted = client.chat.completions.delete(made[0].id)
    assert deleted.deleted and deleted.object == "chat.completion.deleted"
    import openai
    import pytest
    with pytest.raises(openai.NotFoundError):
        client.chat.completions.retrieve(made[0].id)
    # The messages are the request's, each with its own role; the SDK types them as assistant
    # messages, so this one call parses without strict validation.
    lenient = openai.OpenAI(base_url=str(client.base_url), api_key="sk-test", max_retries=0)
    messages = lenient.chat.completions.messages.list(made[2].id)
    assert [(m.id, m.content) for m in messages.data] == [(f"{made[2].id}-0", "Be brief."), (f"{made[2].id}-1", "Fact number 2 about copper?")]


def test_input_tokens_counts_what_create_bills(client):
    args = dict(model="gpt-4o", instructions="Answer briefly.", input="Explain how tides work in two sentences.")
    counted = client.responses.input_tokens.count(**args)
    assert counted.object == "response.input_tokens"
    assert counted.input_tokens == client.responses.create(**args).usage.input_tokens


def test_audio_model_answers_with_a_wav_and_its_transcript(client):
    import base64
    import io
    import wave
    import openai
    import pytest
    completion = client.chat.completions.create(
        model="gpt-4o-audio-preview", modalities=["text", "audio"], audio={"voice": "alloy", "format": "wav"},
        messages=[{"role": "user", "content": "Say something about harbours."}])
    message = completion.choices[0].message
    assert message.content is None and message.audio.transcript and message.audio.id.startswith("audio_")
    with wave.open(io.BytesIO(base64.b64decode(message.audio.data))) as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, 24000)
        assert wav.getnframes() > 24000 * 0.3
    streamed = client.chat.completions.create(
        model="gpt-4o-audio-preview", modalities=["text", "audio"], audio={"voice": "alloy", "format": "wav"}, stream=True,
        messages=[{"role": "user", "content": "Say something about harbours."}])
    deltas = [c.choices[0].delta for c in streamed if c.choices]
    transcript = "".join(d.audio.transcript or "" for d in deltas if getattr(d, "audio", None))
    assert transcript == message.audio.transcript
    with pytest.raises(openai.BadRequestError) as raised:
        client.chat.completions.create(model="gpt-4o", modalities=["text", "audio"], audio={"voice": "alloy", "format": "wav"},
                                       messages=[{"role": "user", "content": "hi"}])
    assert raised.value.body["param"] == "modalities"


def test_compact_then_continue_from_the_compaction_item(client):
    import openai
    first = client.responses.create(model="gpt-4o", input="Explain how tides work, in detail.")
    # The output is "all user messages, followed by a single compaction item" (the SDK's own
    # docstring), but the SDK types the items as output items, which user messages are not: this
    # one call parses without strict validation.
    lenient = openai.OpenAI(base_url=str(client.base_url), api_key="sk-test", max_retries=0)
    compacted = lenient.responses.compact(model="gpt-4o", previous_response_id=first.id,
                                         input=[{"role": "user", "content": "And the moon's part?"}])
    assert compacted.object == "response.compaction"
    kinds = [item.type for item in compacted.output]
    assert kinds[-1] == "compaction" and "message" in kinds
    assert compacted.usage.input_tokens > first.usage.input_tokens
    follow_up = [item.model_dump(exclude_none=True) for item in compacted.output] + [{"role": "user", "content": "Summarise."}]
    after = client.responses.create(model="gpt-4o", input=follow_up)
    plain = client.responses.create(model="gpt-4o", input="Summarise.")
    assert after.status == "completed" and after.usage.input_tokens > plain.usage.input_tokens  # the item carries the conversation
