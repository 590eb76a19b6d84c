"""A small support-desk app built on the official OpenAI SDK: the code the example tests exercise."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Callable, Optional

import openai
from openai import OpenAI

MODEL = "gpt-4o"

WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Get the current weather for a city",
        "parameters": {
            "type": "object",
            "properties": {"location": {"type": "string"}},
            "required": ["location"],
            "additionalProperties": False,
        },
    },
}


def make_client(base_url: str, max_retries: int = 2) -> OpenAI:
    return OpenAI(base_url=base_url, api_key="sk-example", max_retries=max_retries)


def answer(client: OpenAI, question: str) -> str:
    """One question, one answer (the SDK retries 429s and 5xx by itself)."""
    reply = client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": question}])
    return reply.choices[0].message.content


def stream_answer(client: OpenAI, question: str, extra_headers: Optional[dict] = None) -> str:
    """Streams an answer and returns the text; a failure mid-stream raises openai.APIError."""
    parts = []
    stream = client.chat.completions.create(model=MODEL, stream=True, messages=[{"role": "user", "content": question}],
                                            extra_headers=extra_headers)
    for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            parts.append(chunk.choices[0].delta.content)
    return "".join(parts)


@dataclass
class ModelNotice:
    text: str
    deprecation: Optional[str]
    sunset: Optional[str]


def ask_with_notice(client: OpenAI, model: str, question: str) -> ModelNotice:
    """Answers and reports the model's Deprecation and Sunset headers, so the app can warn its operators."""
    raw = client.chat.completions.with_raw_response.create(model=model, messages=[{"role": "user", "content": question}])
    reply = raw.parse()
    return ModelNotice(reply.choices[0].message.content, raw.headers.get("deprecation"), raw.headers.get("sunset"))


def weather_assistant(client: OpenAI, question: str, get_weather: Callable[[str], dict]) -> str:
    """A tool-call round trip: the model asks for get_weather, the app runs it, the model answers."""
    messages = [{"role": "user", "content": question}]
    first = client.chat.completions.create(model=MODEL, messages=messages, tools=[WEATHER_TOOL])
    message = first.choices[0].message
    if not message.tool_calls:
        return message.content
    messages.append(message.model_dump(exclude_none=True))
    for call in message.tool_calls:
        arguments = json.loads(call.function.arguments)
        messages.append({"role": "tool", "tool_call_id": call.id, "content": json.dumps(get_weather(arguments["location"]))})
    second = client.chat.completions.create(model=MODEL, messages=messages, tools=[WEATHER_TOOL])
    return second.choices[0].message.content
