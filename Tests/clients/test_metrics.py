"""GET /metrics read by Prometheus' own Python parser, after traffic from the official SDK.

The suite shares one server, so each check is on what changed between a scrape before the traffic
and one after it.
"""
import urllib.request

import openai
import pytest
from prometheus_client.parser import text_string_to_metric_families

MESSAGES = [{"role": "user", "content": "Tell me about herons"}]


def scrape(base_url):
    """Every sample as {(sample name, sorted labels): value}, and the families by name."""
    with urllib.request.urlopen(base_url + "/metrics") as answer:
        assert answer.status == 200
        assert answer.headers["content-type"].startswith("text/plain; version=0.0.4")
        text = answer.read().decode()
    families = {family.name: family for family in text_string_to_metric_families(text)}
    samples = {(s.name, tuple(sorted(s.labels.items()))): s.value for f in families.values() for s in f.samples}
    return samples, families


def delta(before, after, name, **labels):
    key = (name, tuple(sorted(labels.items())))
    return after.get(key, 0) - before.get(key, 0)


def test_metrics_count_what_the_sdk_sent(client, base_url):
    before, _ = scrape(base_url)
    plain = client.chat.completions.create(model="gpt-4o", messages=MESSAGES)
    chunks = list(client.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True,
                                                 stream_options={"include_usage": True}))
    response = client.responses.create(model="gpt-4o", input="Tell me about otters")
    with pytest.raises(openai.NotFoundError):
        client.chat.completions.create(model="no-such-model-metrics", messages=MESSAGES)
    with pytest.raises(openai.RateLimitError):
        client.chat.completions.create(model="gpt-4o", messages=MESSAGES, extra_headers={"Prefer": "code=429"})
    after, families = scrape(base_url)

    assert {"understudy_requests", "understudy_tokens", "understudy_rate_limited", "understudy_streams_in_flight",
            "understudy_time_to_first_token_seconds", "understudy_inter_token_seconds"} <= families.keys()
    assert families["understudy_requests"].type == "counter"
    assert families["understudy_time_to_first_token_seconds"].type == "histogram"
    requests = "understudy_requests_total"
    chat = {"route": "createChatCompletion", "model": "openai/gpt-4o"}
    assert delta(before, after, requests, **chat, status="200", scenario="none") == 2
    assert delta(before, after, requests, route="createResponse", model="openai/gpt-4o", status="200", scenario="none") == 1
    assert delta(before, after, requests, route="createChatCompletion", model="other", status="404", scenario="none") == 1
    assert delta(before, after, requests, **chat, status="429", scenario="code=429") == 1
    assert delta(before, after, "understudy_rate_limited_total", **chat) == 1
    usage = [plain.usage, chunks[-1].usage]
    assert delta(before, after, "understudy_tokens_total", direction="in", model="openai/gpt-4o") == \
        sum(u.prompt_tokens for u in usage) + response.usage.input_tokens
    assert delta(before, after, "understudy_tokens_total", direction="out", model="openai/gpt-4o") == \
        sum(u.completion_tokens for u in usage) + response.usage.output_tokens
    # One stream of len(chunks) chunks and [DONE]: one first frame, then a gap before each frame.
    assert delta(before, after, "understudy_time_to_first_token_seconds_count") == 1
    assert delta(before, after, "understudy_inter_token_seconds_count") == len(chunks)
    assert delta(before, after, "understudy_streams_in_flight") == 0
    assert not any("no-such-model-metrics" in str(key) for key in after)
