"""The support app's tests: Understudy plays OpenAI, including its failures."""
import openai
import pytest

from support_app import answer, ask_with_notice, stream_answer, weather_assistant

FLAKY = """
scenarios:
  - name: flaky
    match: {path: /v1/chat/completions}
    sequence:
      - error: rate-limit
        times: 2
      - pass
"""


def test_answers_a_question(client, understudy):
    assert answer(client, "Explain how tides work")
    assert understudy.contract_violations() == []


@pytest.mark.understudy_scenarios(FLAKY)
def test_two_429s_then_success_is_retried(client, understudy):
    assert answer(client, "Hello")  # max_retries=2: the third attempt succeeds
    journal = understudy.journal()
    assert [e["status"] for e in journal] == [429, 429, 200]
    assert {e["scenario"] for e in journal} == {"flaky"}


@pytest.mark.understudy_scenarios(FLAKY)
def test_without_retries_the_429_surfaces(understudy):
    from support_app import make_client
    with pytest.raises(openai.RateLimitError):
        answer(make_client(understudy.openai_base_url, max_retries=0), "Hello")


def test_streams_an_answer(client):
    assert stream_answer(client, "Tell me about owls")


def test_mid_stream_error_surfaces_as_api_error(client):
    with pytest.raises(openai.APIError) as info:
        stream_answer(client, "Tell me about owls", extra_headers={"X-Understudy-Scenario": "stream-error"})
    assert "server had an error" in info.value.message


def test_deprecated_model_headers(client, understudy):
    notice = ask_with_notice(client, "gpt-4.5-preview", "Hello")  # the clock says 2025-07-01
    assert notice.text
    assert notice.deprecation and notice.deprecation.startswith("@")
    assert notice.sunset == "Mon, 14 Jul 2025 00:00:00 GMT"


def test_current_model_has_no_deprecation(client):
    notice = ask_with_notice(client, "gpt-4o", "Hello")
    assert notice.deprecation is None and notice.sunset is None


def test_tool_call_round_trip(client, understudy):
    asked = []

    def get_weather(city):
        asked.append(city)
        return {"temperature": 4, "sky": "snow"}

    text = weather_assistant(client, "What is the weather in Oslo?", get_weather)
    assert asked == ["Oslo"]
    assert "snow" in text
    assert [e["status"] for e in understudy.journal()] == [200, 200]
