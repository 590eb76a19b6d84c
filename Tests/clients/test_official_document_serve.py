"""`understudy serve --spec` with the official OpenAI document as published: every schema found by
operation, its 3.0/3.1 dialect read as the SDK reads it (Dialect.swift). The official SDK, parsing
strictly, gets chat completions, chat streams and Responses (plain and streamed), and an invalid
request gets the usual 400 envelope. Runs when UNDERSTUDY_OPENAPI_DOCUMENT names the document
(.ci/run sets it), and is skipped, by name, without it."""
import os
import signal
import subprocess
from pathlib import Path

import openai
import pytest
from openai import OpenAI

ROOT = Path(__file__).resolve().parents[2]
BINARY = os.environ.get("UNDERSTUDY_BIN", str(ROOT / ".build" / "debug" / "understudy"))
DOCUMENT = os.environ.get("UNDERSTUDY_OPENAPI_DOCUMENT")

pytestmark = pytest.mark.skipif(not DOCUMENT, reason="UNDERSTUDY_OPENAPI_DOCUMENT is not set (scripts/fetch-openai-spec fetches it)")


@pytest.fixture(scope="module")
def served():
    process = subprocess.Popen([BINARY, "serve", "--port", "0", "--spec", DOCUMENT, "--self-check",
                                "--clock", "2025-07-01T00:00:00Z"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = process.stdout.readline()
    if not line.startswith("Understudy listening on"):
        process.kill()
        pytest.fail(line + process.communicate()[1])
    yield process, line.split()[-1]
    process.send_signal(signal.SIGTERM)
    _, errors = process.communicate(timeout=10)
    # One line at start for what the document lacks (DELETE /responses/{id} declares no body);
    # --self-check found nothing.
    assert errors.splitlines() == [f"understudy: {DOCUMENT}: no DELETE /responses/{{response_id}} 200 application/json: served unchecked"], errors


@pytest.fixture()
def official(served) -> OpenAI:
    return OpenAI(base_url=served[1] + "/v1", api_key="sk-test", max_retries=0, _strict_response_validation=True)


def test_chat_completion_and_stream_parse_strictly(official):
    completion = official.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "Say hello."}])
    assert completion.choices[0].message.content
    chunks = list(official.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "Say hello."}],
                                                   stream=True, stream_options={"include_usage": True}))
    # The chunks before the last carry finish_reason null: nullable beside an enum without null.
    assert chunks[0].choices[0].finish_reason is None
    assert chunks[-1].usage is not None


def test_responses_and_stream_parse_strictly(official):
    response = official.responses.create(model="gpt-4o", input="Say hello.")
    assert response.output_text
    events = list(official.responses.create(model="gpt-4o", input="Say hello.", stream=True))
    assert events[0].type == "response.created" and events[-1].type == "response.completed"


def test_invalid_request_gets_the_usual_envelope(official):
    with pytest.raises(openai.BadRequestError) as raised:
        official.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "Hi"}], n=0)
    assert raised.value.status_code == 400
    error = raised.value.body
    assert error["type"] == "invalid_request_error" and error["param"] == "n", error


def test_requests_the_live_api_takes_are_taken_under_the_official_document(official):
    """Dialect.swift reads a request as the live API does where the document says otherwise: a
    function tool without `strict` (the document requires it; the live API answered 200 and listed
    it back as strict, openllmetry 2026-03), `response_format: null`, and an input message that is
    both an EasyInputMessage and an InputMessage (exactly one `oneOf` branch is allowed)."""
    tool = {"type": "function", "name": "get_weather", "description": "Get the weather",
            "parameters": {"type": "object", "properties": {"location": {"type": "string"}}, "required": ["location"]}}
    response = official.responses.create(model="gpt-4.1-nano", tools=[tool], input=[
        {"role": "user", "content": [{"type": "input_text", "text": "Weather in Paris?"}]}])
    assert response.tools[0].strict is True
    completion = official.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "Say hello."}],
                                                  extra_body={"response_format": None, "tools": None})
    assert completion.choices[0].message.content
    # What the live API refuses is still refused: a tool without a name.
    with pytest.raises(openai.BadRequestError):
        official.responses.create(model="gpt-4.1-nano", tools=[{"type": "function", "strict": True}], input="Hi")
