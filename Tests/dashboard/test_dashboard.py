"""The dashboard in a real browser: rows appear live as the official SDK calls the server, a
stream's detail shows its frames and timeline, a contract finding is shown with its path
highlighted, scenarios added from the editor shape the next calls, filters, pause and clear, and
the admin API's access rule."""
import json
import subprocess
import time
import urllib.error
import urllib.request

import openai
import pytest

from conftest import BINARY, open_dashboard, wait_rows

CHAT = [{"role": "user", "content": "Tell me about owls"}]


def test_rows_appear_live_as_the_sdk_calls(serve, page, screenshots):
    server = serve("--self-check")
    open_dashboard(page, server)
    client = server.client()
    completion = client.chat.completions.create(model="gpt-4o", messages=CHAT)
    wait_rows(page, 1)
    list(client.chat.completions.create(model="gpt-4o-mini", messages=CHAT, stream=True))
    wait_rows(page, 2)
    client.embeddings.create(model="text-embedding-3-small", input="owls")
    wait_rows(page, 3)
    rows = page.locator("#rows tr")
    # Newest first: the embedding, the stream (with its TTFT), the completion.
    assert "/v1/embeddings" in rows.nth(0).inner_text()
    stream = rows.nth(1).locator("td")
    assert stream.nth(2).inner_text() == "/v1/chat/completions"
    assert stream.nth(7).inner_text().endswith(" ms"), "a stream shows its time to first token"
    assert rows.nth(2).get_attribute("data-status") == "200"
    # The completion's cost: its tokens at gpt-4o's prices ($2.50 in, $10 out per million).
    cost = (completion.usage.prompt_tokens * 2.5 + completion.usage.completion_tokens * 10) / 1e6
    assert rows.nth(2).locator("td").nth(9).inner_text() == "$" + f"{cost:.4g}"
    # The rate chart counts them, drawn each second from the feed's rows.
    page.wait_for_selector("svg.rate rect.k2xx", timeout=2000)
    assert rows.nth(2).locator(".verdict").inner_text() == "pass"
    # Keyboard: the rows are reachable and Enter opens one.
    rows.nth(2).focus()
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")
    page.wait_for_selector("#detail h2")
    assert "POST /v1/chat/completions" in page.inner_text("#detail h2")
    page.screenshot(path=str(screenshots / "dashboard-list.png"))


def test_a_streams_detail_shows_every_frame_and_its_timeline(serve, page, screenshots):
    server = serve("--stream-interval-ms", "15")
    open_dashboard(page, server)
    client = server.client()
    # Some company for the screenshot: a completion, an embedding, a 429 asked for by header.
    client.chat.completions.create(model="gpt-4o-mini", messages=CHAT)
    client.embeddings.create(model="text-embedding-3-small", input="owls")
    with pytest.raises(openai.RateLimitError):
        client.chat.completions.create(model="gpt-4o", messages=CHAT, extra_headers={"Prefer": "code=429"})
    chunks = list(client.chat.completions.create(model="gpt-4o", messages=CHAT, stream=True))
    wait_rows(page, 4)
    row = page.locator("#rows tr").first
    row.click()
    page.wait_for_selector("svg.timeline")
    recorded = page.request.get(f"{server.url}/__understudy/exchanges/{row.get_attribute('data-id')}").json()
    frames = recorded["frames"]
    assert len(frames) == len(chunks) + 1, "every chunk and [DONE]"
    table = page.locator("table.frames tbody tr")
    assert table.count() == len(frames)
    sent = [float(table.nth(i).locator("td").nth(2).inner_text()) for i in range(table.count())]
    assert all(abs(shown - f["sent_ms"]) <= 0.051 for shown, f in zip(sent, frames)), "the table shows the recorded times"
    assert sent == sorted(sent)
    # Paced 15 ms apart, counted from the first: the last is sent about 15 ms × gaps after it.
    assert frames[-1]["due_ms"] - frames[0]["due_ms"] >= 15 * (len(frames) - 1) - 1
    assert page.locator("svg.timeline line.sent").count() == len(frames)
    assert page.locator("svg.timeline circle.due").count() == len(frames)
    assert f"TTFT {frames[0]['sent_ms']:.1f} ms" in page.locator("svg.timeline").text_content()
    page.locator("svg.timeline").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "dashboard-stream.png"))


def test_a_request_that_breaks_the_contract_shows_its_finding_and_path(serve, page, screenshots, tmp_path):
    server = serve()
    open_dashboard(page, server)
    with pytest.raises(openai.BadRequestError):
        server.client().chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": 5}])
    wait_rows(page, 1)
    row = page.locator("#rows tr").first
    assert row.get_attribute("data-verdict") == "request"
    row.click()
    page.wait_for_selector("#findings")
    finding = page.inner_text("#findings")
    assert "/messages/0/content" in finding and "expected string or array, got integer" in finding
    highlighted = page.locator("#detail .json .hl")
    assert highlighted.count() == 1
    assert highlighted.get_attribute("data-pointer") == "/messages/0/content"
    assert highlighted.inner_text() == "5"
    # The API key is never shown.
    assert "sk-test-dashboard-key-0001" not in page.content()
    assert "[redacted]" in page.text_content("#detail")  # the headers, folded
    page.screenshot(path=str(screenshots / "dashboard-finding.png"))
    # Copy as curl: the request as sent, the key left to the shell.
    command = page.evaluate("""async (id) => {
        const { curl } = await import("/__understudy/ui/detail.js");
        const detail = await (await fetch(`/__understudy/exchanges/${id}`)).json();
        return curl(detail.exchange);
    }""", row.get_attribute("data-id"))
    assert command.startswith(f"curl -X POST '{server.url}/v1/chat/completions'")
    assert '-H "Authorization: Bearer $OPENAI_API_KEY"' in command and "sk-test" not in command
    assert '"content":5' in command
    # The download is one `validate` line.
    with page.expect_download() as download:
        page.click("#download")
    line = tmp_path / "exchange.jsonl"
    download.value.save_as(line)
    assert "sk-test-dashboard-key-0001" not in line.read_text()
    result = subprocess.run([BINARY, "validate", str(line)], capture_output=True, text=True)
    assert "1 passed" in result.stdout, result.stdout + result.stderr


def test_copy_as_a_scenario_rule_reproduces_the_answer(serve, page):
    """The rule an exchange is copied as, added back, answers that request the same way: the same
    text and usage for a completion and for a stream, the same status and message for an error."""
    server = serve()
    open_dashboard(page, server)
    client = server.client()

    def rule_for_newest():
        row = page.locator("#rows tr").first
        row.click()
        page.wait_for_selector("#copy-rule")
        return page.evaluate("""async (id) => {
            const { scenarioRule } = await import("/__understudy/ui/detail.js");
            return scenarioRule(await (await fetch(`/__understudy/exchanges/${id}`)).json());
        }""", row.get_attribute("data-id"))

    def add(rule):
        request = urllib.request.Request(server.url + "/__understudy/scenarios", data=rule.encode(), method="POST")
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status in (200, 201), rule

    answer = client.chat.completions.create(model="gpt-4o-mini", messages=CHAT)
    wait_rows(page, 1)
    add(rule_for_newest())
    again = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "Something else"}])
    assert again.choices[0].message.content == answer.choices[0].message.content
    assert (again.usage.prompt_tokens, again.usage.completion_tokens) == (answer.usage.prompt_tokens, answer.usage.completion_tokens)

    streamed = "".join(c.choices[0].delta.content or "" for c in client.chat.completions.create(
        model="gpt-4.1-nano", messages=CHAT, stream=True) if c.choices)
    wait_rows(page, 3)
    rule = rule_for_newest()
    assert "first_token_ms" in rule
    add(rule)
    assert client.chat.completions.create(model="gpt-4.1-nano", messages=CHAT).choices[0].message.content == streamed

    with pytest.raises(openai.InternalServerError) as first:
        client.chat.completions.create(model="gpt-4o", messages=CHAT, extra_headers={"X-Understudy-Scenario": "overloaded"})
    wait_rows(page, 5)
    add(rule_for_newest())
    with pytest.raises(openai.InternalServerError) as second:
        client.chat.completions.create(model="gpt-4o", messages=CHAT)
    assert second.value.status_code == first.value.status_code == 503
    assert second.value.body["message"] == first.value.body["message"]


def test_a_scenario_added_from_the_editor_shapes_the_next_calls(serve, page, screenshots):
    server = serve()
    open_dashboard(page, server)
    page.click("#tab-controls")
    page.fill("#yaml", "scenarios:\n  - name: twice-429\n    match: {model: gpt-4o}\n"
                       "    sequence:\n      - error: {status: 429}\n        times: 2\n      - pass\n")
    page.click("#add")
    page.wait_for_selector("#add-result:has-text('added twice-429')")
    assert "twice-429" in page.inner_text("#scenarios tbody")
    client = server.client()
    for _ in range(2):
        with pytest.raises(openai.RateLimitError):
            client.chat.completions.create(model="gpt-4o", messages=CHAT)
    client.chat.completions.create(model="gpt-4o", messages=CHAT)
    page.click("#tab-exchanges")
    wait_rows(page, 3)
    statuses = [page.locator("#rows tr").nth(i).get_attribute("data-status") for i in range(3)]
    assert statuses == ["200", "429", "429"]  # newest first
    page.click("#tab-controls")
    # The row is there from before; its hit count is refreshed when the tab opens.
    page.wait_for_selector("#scenarios tbody tr td:nth-child(3):text-is('3')")  # two 429s and the pass it let through
    page.screenshot(path=str(screenshots / "dashboard-controls.png"))
    # A reset starts the hit counts again; the rule stays.
    page.click("#reset")
    page.wait_for_selector("#reset-result:has-text('reset')")
    page.click("#tab-exchanges")
    page.click("#tab-controls")
    # (A locator, not wait_for_function: the page's CSP forbids evaluating strings.)
    page.wait_for_selector("#scenarios tbody tr td:nth-child(3):text-is('0')")
    # A YAML mistake comes back with its line.
    page.fill("#yaml", "scenarios:\n  - name: [oops\n")
    page.click("#add")
    page.wait_for_selector("#add-result.error")
    assert "line" in page.inner_text("#add-result") or ":2:" in page.inner_text("#add-result")
    page.click("[aria-label='remove twice-429']")
    page.wait_for_selector("#no-scenarios:not([hidden])")


def test_rate_limit_windows_and_metrics_in_the_controls(serve, page, screenshots):
    server = serve("--rate-limit", "rpm=5,tpm=100000")
    client = server.client()
    # The windows turn each wall-clock minute: a turn between these calls and the page's read
    # would leave nothing to show (the clean-clone CI of c07d06f met one). Start in a fresh one.
    with urllib.request.urlopen(server.url + "/__understudy/rate-limits") as answer:
        left = json.load(answer)["resets_in_seconds"]
    if left < 20:
        time.sleep(left + 0.5)
    for _ in range(2):
        client.chat.completions.create(model="gpt-4o", messages=CHAT)
    stream = client.chat.completions.create(model="gpt-4o", messages=CHAT, stream=True)
    frames = sum(1 for _ in stream)
    open_dashboard(page, server)
    page.click("#tab-controls")
    # The window of the client's key: masked, three requests of five, its tokens counted.
    page.wait_for_selector("#rate-limits tbody tr")
    cells = page.locator("#rate-limits tbody tr").first.locator("td").all_inner_texts()
    assert cells[0] == "sk-*****0001" and cells[1:3] == ["3", "2"], cells
    assert int(cells[3]) > 0
    assert "5 requests and 100000 tokens a minute" in page.inner_text("#rate-limits-note")
    assert "sk-test-dashboard" not in page.content()
    # /metrics as charts: the three answers, one first token, the gaps between the stream's frames.
    page.wait_for_selector("#status-mix:has-text('200: 3')")
    page.wait_for_selector("#ttft-label:has-text('time to first token: 1 observed')")
    # The SDK yields every chunk but `[DONE]`: the server wrote one frame more, so as many gaps.
    gaps = int(page.inner_text("#inter-label").split(": ")[1].split()[0])
    assert gaps == frames, (gaps, frames)
    assert page.locator("#ttft-chart rect").count() >= 10
    # Two seconds later, a new call shows without a reload.
    client.chat.completions.create(model="gpt-4o", messages=CHAT)
    page.wait_for_selector("#status-mix:has-text('200: 4')", timeout=5000)
    page.screenshot(path=str(screenshots / "dashboard-metrics.png"), full_page=True)


def test_the_clock_is_set_from_the_controls(serve, page):
    server = serve()
    open_dashboard(page, server)
    page.click("#tab-controls")
    page.fill("#clock", "2025-08-01T00:00:00Z")
    page.click("#set-clock")
    page.wait_for_selector("#clock-result:has-text('now Fri, 01 Aug 2025 00:00:00 GMT')")
    assert server.client().chat.completions.create(model="gpt-4o", messages=CHAT).created == 1754006400
    page.fill("#clock", "yesterday")
    page.click("#set-clock")
    page.wait_for_selector("#clock-result.error")
    assert "ISO-8601" in page.inner_text("#clock-result")


def test_filters_pause_and_clear(serve, page):
    server = serve()
    open_dashboard(page, server)
    client = server.client()
    client.chat.completions.create(model="gpt-4o", messages=CHAT)
    with pytest.raises(openai.BadRequestError):
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": 5}])
    client.embeddings.create(model="text-embedding-3-small", input="owls")
    wait_rows(page, 3)
    page.select_option("#f-status", "4")
    wait_rows(page, 1)
    assert page.locator("#rows tr:not([hidden])").get_attribute("data-status") == "400"
    page.select_option("#f-status", "")
    page.select_option("#f-verdict", "request")
    wait_rows(page, 1)
    page.select_option("#f-verdict", "")
    page.select_option("#f-route", "createEmbedding")
    wait_rows(page, 1)
    page.select_option("#f-route", "")
    page.fill("#f-text", "embeddings")
    wait_rows(page, 1)
    page.fill("#f-text", "")
    wait_rows(page, 3)
    # Paused, new rows wait; resumed, they show.
    page.click("#pause")
    client.chat.completions.create(model="gpt-4o", messages=CHAT)
    time.sleep(0.5)
    assert page.locator("#rows tr").count() == 3
    page.click("#pause")
    wait_rows(page, 4)
    page.click("#clear")
    assert page.locator("#rows tr").count() == 0
    client.chat.completions.create(model="gpt-4o", messages=CHAT)
    wait_rows(page, 1)


def status_of(url: str, headers: dict | None = None) -> int:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_beyond_loopback_the_page_needs_the_admin_token(serve, page):
    server = serve("--host", "0.0.0.0", "--admin-token", "letmein")
    response = page.goto(server.url + "/__understudy/")
    assert response.status == 401
    assert page.locator("#rows").count() == 0
    for path in ["/__understudy/feed", "/__understudy/exchanges", "/__understudy/exchanges/1"]:
        assert status_of(server.url + path) == 401
    assert status_of(server.url + "/__understudy/exchanges", {"x-understudy-admin-token": "letmein"}) == 200
    open_dashboard(page, server, "?token=letmein")
    page.fill("#f-text", "/v1/chat")  # the browser's own /favicon.ico after the 401 is a row too
    server.client().chat.completions.create(model="gpt-4o", messages=CHAT)
    wait_rows(page, 1)
    page.click("#tab-controls")
    page.wait_for_selector("#no-scenarios:not([hidden])")  # the admin API answered the page's token too


def test_off_means_no_dashboard(serve):
    server = serve("--dashboard", "off")
    assert status_of(server.url + "/__understudy/") == 404
    assert status_of(server.url + "/__understudy/exchanges") == 404
    assert status_of(server.url + "/__understudy/journal") == 200  # the admin API stays


def test_the_ring_stays_within_its_bound(serve):
    server = serve("--dashboard-memory", "1MiB")
    client = server.client()
    big = "owl " * 60_000  # a 240 kB prompt: cut to the ring's body limit
    for _ in range(40):
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": big}])
    with urllib.request.urlopen(server.url + "/__understudy/exchanges") as response:
        listing = json.load(response)
    assert listing["byte_limit"] == 1 << 20
    assert 0 < listing["held_bytes"] <= 1 << 20
    assert listing["evicted"] > 0
    newest = listing["data"][-1]["id"]
    with urllib.request.urlopen(f"{server.url}/__understudy/exchanges/{newest}") as response:
        detail = json.load(response)
    assert "truncated" in detail["exchange"]["request"]["body_text"]
