"""Structured outputs and tool calls through the official SDK's parse and stream helpers."""
import json
from typing import List

import openai
import pytest
from pydantic import BaseModel


class Person(BaseModel):
    name: str
    age: int
    hobbies: List[str]


WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Get the current weather for a city",
        "parameters": {
            "type": "object",
            "properties": {"location": {"type": "string"}, "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}},
            "required": ["location", "unit"],
            "additionalProperties": False,
        },
        "strict": True,
    },
}
TIME_TOOL = {
    "type": "function",
    "function": {
        "name": "get_time",
        "description": "Get the local time in a city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    },
}


def test_chat_parse_with_pydantic(client):
    completion = client.chat.completions.parse(
        model="gpt-4o", messages=[{"role": "user", "content": "Describe Ada Lovelace"}], response_format=Person
    )
    person = completion.choices[0].message.parsed
    assert isinstance(person, Person)
    assert person.name and isinstance(person.age, int)


def test_responses_parse_with_pydantic(client):
    response = client.responses.parse(model="gpt-4o", input="Describe Alan Turing", text_format=Person)
    assert isinstance(response.output_parsed, Person)


def test_strict_schema_without_closed_objects_is_refused(client):
    with pytest.raises(openai.BadRequestError) as info:
        client.chat.completions.create(
            model="gpt-4o", messages=[{"role": "user", "content": "x"}],
            response_format={"type": "json_schema", "json_schema": {
                "name": "loose", "strict": True, "schema": {"type": "object", "properties": {"a": {"type": "string"}}}}},
        )
    assert info.value.param == "response_format"
    assert "additionalProperties" in info.value.message


def test_json_object_needs_the_word_json(client):
    with pytest.raises(openai.BadRequestError):
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}],
                                       response_format={"type": "json_object"})
    ok = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "Answer in JSON: what is rain?"}],
                                        response_format={"type": "json_object"})
    assert isinstance(json.loads(ok.choices[0].message.content), dict)


def test_tool_choices(client):
    messages = [{"role": "user", "content": "What is the weather and the time in Paris?"}]
    both = client.chat.completions.create(model="gpt-4o", messages=messages, tools=[WEATHER_TOOL, TIME_TOOL])
    calls = both.choices[0].message.tool_calls
    assert both.choices[0].finish_reason == "tool_calls"
    assert [c.function.name for c in calls] == ["get_weather", "get_time"]
    assert json.loads(calls[0].function.arguments) ["location"] == "Paris"
    one = client.chat.completions.create(model="gpt-4o", messages=messages, tools=[WEATHER_TOOL, TIME_TOOL], parallel_tool_calls=False)
    assert len(one.choices[0].message.tool_calls) == 1
    named = client.chat.completions.create(model="gpt-4o", messages=messages, tools=[WEATHER_TOOL, TIME_TOOL],
                                           tool_choice={"type": "function", "function": {"name": "get_time"}})
    assert [c.function.name for c in named.choices[0].message.tool_calls] == ["get_time"]
    none = client.chat.completions.create(model="gpt-4o", messages=messages, tools=[WEATHER_TOOL], tool_choice="none")
    assert none.choices[0].message.tool_calls is None and none.choices[0].message.content


def test_tool_result_gets_a_text_answer(client):
    first = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "Weather in Oslo?"}], tools=[WEATHER_TOOL])
    call = first.choices[0].message.tool_calls[0]
    second = client.chat.completions.create(model="gpt-4o", tools=[WEATHER_TOOL], messages=[
        {"role": "user", "content": "Weather in Oslo?"},
        first.choices[0].message.model_dump(exclude_none=True),
        {"role": "tool", "tool_call_id": call.id, "content": "{\"temperature\": 4, \"sky\": \"snow\"}"},
    ])
    assert second.choices[0].finish_reason == "stop"
    assert "snow" in second.choices[0].message.content


def test_chat_stream_with_tools(client):
    with client.chat.completions.stream(model="gpt-4o", messages=[{"role": "user", "content": "Weather and time in Lima?"}],
                                        tools=[WEATHER_TOOL, TIME_TOOL]) as stream:
        final = stream.get_final_completion()
    calls = final.choices[0].message.tool_calls
    assert [c.function.name for c in calls] == ["get_weather", "get_time"]
    assert json.loads(calls[1].function.arguments) == {"city": "Lima"}


def test_responses_stream_with_a_tool_call(client):
    tool = {"type": "function", "name": "get_weather", "description": "Get the weather for a city",
            "parameters": WEATHER_TOOL["function"]["parameters"]}
    with client.responses.stream(model="gpt-4o", input="What's the weather in Rome?", tools=[tool]) as stream:
        deltas = "".join(e.delta for e in stream if e.type == "response.function_call_arguments.delta")
        final = stream.get_final_response()
    call = final.output[0]
    assert call.type == "function_call" and call.name == "get_weather"
    assert call.arguments == deltas and json.loads(deltas)["location"] == "Rome"
    follow = client.responses.create(model="gpt-4o", previous_response_id=final.id, tools=[tool],
                                     input=[{"type": "function_call_output", "call_id": call.call_id, "output": "Sunny, 24C"}])
    assert "Sunny" in follow.output_text
