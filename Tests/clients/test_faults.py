"""What the official SDK sees when a stream or a connection fails (X-Understudy-Scenario)."""
import json
import socket
from urllib.parse import urlparse

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


def test_requests_pipelined_behind_a_stalled_stream_stop_being_read(base_url, client):
    """A stall never ends; a client pipelining behind it must meet TCP's back-pressure (the server
    stops reading past a few waiting requests), not grow the server by everything it sends."""
    url = urlparse(base_url)
    body = json.dumps({"model": "gpt-4o", "stream": True, "messages": [{"role": "user", "content": "hi"}]})
    padding = b"x" * 100_000
    behind = (b"POST /v1/embeddings HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n"
              b"content-length: 100000\r\n\r\n" + padding)
    with socket.create_connection((url.hostname, url.port)) as connection:
        connection.sendall((f"POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n"
                            f"x-understudy-scenario: stall\r\ncontent-length: {len(body)}\r\n\r\n{body}").encode())
        connection.settimeout(5)
        assert connection.recv(65536).startswith(b"HTTP/1.1 200 OK")
        sent, limit = 0, 256_000_000
        with pytest.raises(socket.timeout):
            while sent < limit:  # a server still reading takes all of it at once
                connection.sendall(behind)
                sent += len(behind)
        assert sent < limit
    # The server still serves everyone else.
    assert client.models.list().data

