"""The OpenAI Agents SDK against Understudy: a tool agent and an output_type agent, run with
Runner.run and Runner.run_streamed, on the Responses model and on the Chat Completions model.

Tracing is off (OPENAI_AGENTS_DISABLE_TRACING=1 in conftest and set_tracing_disabled here), so
nothing but the model calls leaves the process, and those go to 127.0.0.1.
"""
import asyncio

import pytest
from agents import (Agent, OpenAIChatCompletionsModel, OpenAIResponsesModel, Runner, function_tool,
                    set_tracing_disabled)
from agents.items import ToolCallItem, ToolCallOutputItem
from openai import AsyncOpenAI
from pydantic import BaseModel, Field

set_tracing_disabled(True)

MODELS = {"responses": OpenAIResponsesModel, "chat_completions": OpenAIChatCompletionsModel}


class WeatherReport(BaseModel):
    city: str = Field(description="The city the report is for")
    temperature_c: float = Field(description="The temperature in degrees Celsius")
    conditions: str = Field(description="A few words on the sky and the rain")


def _weather_tool(calls: list[str]):
    @function_tool
    def get_weather(city: str) -> str:
        """Get the current weather in a city."""
        calls.append(city)
        return f"It is sunny and 22 degrees Celsius in {city}."

    return get_weather


async def _run(understudy_url: str, kind: str, streamed: bool, make_agent):
    client = AsyncOpenAI(base_url=understudy_url + "/v1", api_key="sk-test", max_retries=0, timeout=30)
    try:
        agent, prompt = make_agent(MODELS[kind](model="gpt-4o", openai_client=client))
        if not streamed:
            return await Runner.run(agent, prompt), None
        result = Runner.run_streamed(agent, prompt)
        events = [event async for event in result.stream_events()]
        return result, events
    finally:
        await client.close()


@pytest.mark.parametrize("streamed", [False, True], ids=["run", "run_streamed"])
@pytest.mark.parametrize("kind", list(MODELS))
def test_agent_with_function_tool(understudy_url: str, kind: str, streamed: bool):
    calls: list[str] = []

    def make_agent(model):
        agent = Agent(name="Weather assistant", model=model, tools=[_weather_tool(calls)],
                      instructions="Answer questions about the weather. Use the get_weather tool.")
        return agent, "What is the weather in Paris right now?"

    result, events = asyncio.run(_run(understudy_url, kind, streamed, make_agent))
    assert calls, "the agent never ran get_weather"
    assert all(isinstance(city, str) and city.strip() for city in calls), calls
    assert "Paris" in calls[0], calls
    assert isinstance(result.final_output, str) and result.final_output.strip(), result.final_output
    assert any(isinstance(item, ToolCallItem) for item in result.new_items)
    outputs = [item for item in result.new_items if isinstance(item, ToolCallOutputItem)]
    assert outputs and "sunny" in str(outputs[0].output)
    if streamed:
        assert result.is_complete
        assert any(event.type == "raw_response_event" for event in events)
        names = [event.name for event in events if event.type == "run_item_stream_event"]
        assert "tool_called" in names and "tool_output" in names and "message_output_created" in names, names


@pytest.mark.parametrize("streamed", [False, True], ids=["run", "run_streamed"])
@pytest.mark.parametrize("kind", list(MODELS))
def test_agent_with_output_type(understudy_url: str, kind: str, streamed: bool):
    def make_agent(model):
        agent = Agent(name="Weather reporter", model=model, output_type=WeatherReport,
                      instructions="Report the weather the user describes as structured data.")
        return agent, "In Lisbon it is 24 degrees Celsius with a clear sky."

    result, events = asyncio.run(_run(understudy_url, kind, streamed, make_agent))
    assert isinstance(result.final_output, WeatherReport), result.final_output
    assert result.final_output.city.strip()
    if streamed:
        assert result.is_complete
        assert any(event.type == "raw_response_event" for event in events)



def test_runs_in_a_server_side_conversation(understudy_url: str):
    """Runner.run(conversation_id=...): each turn sends only what is new, the server reads the
    earlier turns (they come back as cached input), and the conversation ends up holding both
    turns, the tool call and its output included."""
    calls: list[str] = []

    async def run():
        client = AsyncOpenAI(base_url=understudy_url + "/v1", api_key="sk-test", max_retries=0, timeout=30)
        try:
            model = OpenAIResponsesModel(model="gpt-4o", openai_client=client)
            weather = Agent(name="Weather assistant", model=model, tools=[_weather_tool(calls)],
                            instructions="Answer questions about the weather. Use the get_weather tool.")
            chat = Agent(name="Summariser", model=model, instructions="Answer from the conversation so far.")
            conversation = await client.conversations.create()
            first = await Runner.run(weather, "What is the weather in Paris right now?", conversation_id=conversation.id)
            second = await Runner.run(chat, "Thanks! Say it again in one sentence.", conversation_id=conversation.id)
            items = [item async for item in client.conversations.items.list(conversation.id, order="asc")]
            return first, second, items
        finally:
            await client.close()

    first, second, items = asyncio.run(run())
    assert calls == ["Paris"], calls
    kinds = [(item.type, getattr(item, "role", None)) for item in items]
    assert kinds == [("message", "user"), ("function_call", None), ("function_call_output", None), ("message", "assistant"),
                     ("message", "user"), ("message", "assistant")], kinds
    assert items[0].content[0].text == "What is the weather in Paris right now?"
    assert items[1].name == "get_weather" and items[2].call_id == items[1].call_id
    assert items[2].output == "It is sunny and 22 degrees Celsius in Paris."
    assert items[3].content[0].text == first.final_output
    assert items[4].content[0].text == "Thanks! Say it again in one sentence."
    assert items[5].content[0].text == second.final_output
    assert second.raw_responses[0].usage.input_tokens_details.cached_tokens > 0
