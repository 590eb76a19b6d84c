"""What the official SDK sees when a stream or a connection fails (X-Understudy-Scenario)."""
import json

import openai
import pytest


def stream(client, scenario, **kwargs):
    return client.chat.completions.create(model="gpt-4o", stream=True, messages=[{"role": "user", "content": "Tell me about owls"}],
                                          extra_headers={"X-Understudy-Scenario": scenario}, **kwargs)


def test_mid_stream_error_raises_api_error(client):
    received = []
    with pytest.raises(openai.APIError) as info:
        for chunk in stream(client, "stream-error"):
            received.append(chunk)
    assert received and received[0].choices[0].delta.role == "assistant"
    assert "server had an error" in info.value.message


def test_responses_stream_error_raises_in_the_helper(client):
    with pytest.raises(openai.APIError):
        with client.responses.stream(model="gpt-4o", input="Tell me about owls",
                                     extra_headers={"X-Understudy-Scenario": "stream-error"}) as s:
            for _ in s:
                pass


def test_malformed_frame_is_a_decode_error(client):
    with pytest.raises(json.JSONDecodeError):
        for _ in stream(client, "malformed-frame"):
            pass


def test_cut_stream_and_broken_connections_raise(client):
    with pytest.raises(Exception) as info:
        for _ in stream(client, "stream-cut"):
            pass
    assert not isinstance(info.value, AssertionError)
    for scenario in ("connection-reset", "close-before-answer", "garbage-then-close"):
        with pytest.raises(openai.APIConnectionError):
            client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}],
                                           extra_headers={"X-Understudy-Scenario": scenario})
