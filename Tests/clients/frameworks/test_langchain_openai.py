"""langchain-openai's ChatOpenAI against Understudy, as a user would write it, on both APIs.

Each test runs twice: with the default settings (Chat Completions) and with
`use_responses_api=True` (the Responses API). What is asserted is what ChatOpenAI returned,
checked as it would be against the live API.
"""
import functools
import operator
from typing import Literal

import pytest
from langchain_core.messages import AIMessage, AIMessageChunk
from langchain_core.tools import tool
from langchain_openai import ChatOpenAI
from pydantic import BaseModel, Field

APIS = {"chat_completions": False, "responses": True}


@pytest.fixture(params=list(APIS))
def api(request) -> str:
    return request.param


@pytest.fixture()
def llm(understudy_url: str, api: str) -> ChatOpenAI:
    return ChatOpenAI(base_url=understudy_url + "/v1", api_key="sk-test", model="gpt-4o",
                      use_responses_api=APIS[api], max_retries=0, timeout=30)


@tool
def get_weather(location: str, unit: Literal["celsius", "fahrenheit"] = "celsius") -> str:
    """Get the current weather for a city."""
    return f"22 degrees {unit} and sunny in {location}"


class Person(BaseModel):
    """A person named in the text."""

    name: str = Field(description="The person's full name")
    age: int = Field(description="The person's age in years")


def test_invoke(llm: ChatOpenAI, api: str):
    message = llm.invoke("Tell me about owls")
    assert isinstance(message, AIMessage)
    assert message.text.strip(), message
    assert message.tool_calls == []
    assert message.response_metadata["model_name"].startswith("gpt-4o")
    usage = message.usage_metadata
    assert usage and usage["input_tokens"] > 0 and usage["output_tokens"] > 0
    assert usage["total_tokens"] == usage["input_tokens"] + usage["output_tokens"]


def test_stream_matches_invoke(understudy_url: str, api: str):
    # temperature 0: Understudy answers the same conversation with the same text, streamed or not.
    llm = ChatOpenAI(base_url=understudy_url + "/v1", api_key="sk-test", model="gpt-4o", temperature=0,
                     use_responses_api=APIS[api], max_retries=0, timeout=30)
    prompt = f"Explain how tides work ({api})"
    whole = llm.invoke(prompt)
    chunks = list(llm.stream(prompt))
    assert all(isinstance(chunk, AIMessageChunk) for chunk in chunks)
    assert len([chunk for chunk in chunks if chunk.text]) > 1, "the answer did not arrive in pieces"
    streamed = "".join(chunk.text for chunk in chunks)
    assert streamed.strip()
    assert streamed == whole.text
    merged = functools.reduce(operator.add, chunks)
    assert merged.text == whole.text
    assert merged.tool_calls == []


def _assert_weather_call(message):
    calls = [call for call in message.tool_calls if call["name"] == "get_weather"]
    assert calls, f"no get_weather call in {message.tool_calls!r} (content {message.content!r})"
    args = calls[0]["args"]
    required = get_weather.tool_call_schema.model_json_schema().get("required", [])
    assert required == ["location"]
    assert set(required) <= set(args), args
    get_weather.tool_call_schema.model_validate(args)  # the arguments fit the tool's signature
    assert "Paris" in args["location"], args
    assert calls[0]["id"]
    assert message.invalid_tool_calls == []


def test_bind_tools_invoke(llm: ChatOpenAI):
    message = llm.bind_tools([get_weather]).invoke("What is the weather like in Paris today?")
    assert isinstance(message, AIMessage)
    _assert_weather_call(message)


def test_bind_tools_stream(llm: ChatOpenAI):
    chunks = list(llm.bind_tools([get_weather]).stream("What is the weather like in Paris today?"))
    assert chunks
    _assert_weather_call(functools.reduce(operator.add, chunks))


@pytest.mark.parametrize("method", ["function_calling", "json_schema", "json_mode"])
def test_with_structured_output(llm: ChatOpenAI, method: str):
    prompt = "Ada Lovelace was 36 years old when she died. Who is the person in this sentence, and how old was she?"
    if method == "json_mode":
        # json_mode sends no schema: as with the live API, the prompt asks for JSON and names the keys.
        prompt += ' Answer in JSON: an object with the keys "name" (a string) and "age" (an integer).'
    structured = llm.with_structured_output(Person, method=method)
    person = structured.invoke(prompt)
    assert isinstance(person, Person), person
    assert person.name.strip()
