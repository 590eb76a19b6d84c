"""Fixtures for the agent frameworks (langchain-openai, openai-agents) against Understudy.

scripts/test starts `understudy serve --port 0` and passes its base URL in UNDERSTUDY_BASE_URL.
The frameworks talk to it through a small logging proxy on 127.0.0.1, so that a failing test
shows exactly what the client sent and what the server answered (method, path, request body,
status, response body). The proxy forwards bytes unchanged, streams included, as they arrive.

Everything stays offline: LangSmith and the Agents SDK's tracing are off, LiteLLM (if any
dependency pulls it in) uses its bundled cost map, and tiktoken cannot download an encoding
(no test counts tokens; a download attempt fails the test instead of leaving the machine).
"""
import http.client
import http.server
import importlib.util
import ipaddress
import json
import os
import socketserver
import threading
import urllib.parse

os.environ["LANGSMITH_TRACING"] = "false"
os.environ["LANGCHAIN_TRACING_V2"] = "false"
os.environ["OPENAI_AGENTS_DISABLE_TRACING"] = "1"
os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
# No client may fall back to api.openai.com: a default client built anywhere gets these.
os.environ["OPENAI_API_KEY"] = "sk-test"
os.environ.pop("OPENAI_ORG_ID", None)
os.environ.pop("OPENAI_PROJECT_ID", None)

import pytest  # noqa: E402

if not all(importlib.util.find_spec(name) for name in ("langchain_openai", "agents")):
    # Tests/clients' own venv (the official SDK alone) has nothing to run here: this folder runs in
    # .venv-frameworks. There a missing framework collects no test, which pytest reports as a failure.
    collect_ignore_glob = ["test_*.py"]

try:
    import tiktoken.load as _tiktoken_load  # noqa: E402

    def _no_download(blobpath: str) -> bytes:
        raise AssertionError(f"tiktoken tried to download {blobpath}; these tests stay offline")

    _tiktoken_load.read_file = _no_download
except ImportError:  # tiktoken is optional for openai-agents
    pass


def _loopback_url(url: str) -> str:
    host = urllib.parse.urlsplit(url).hostname or ""
    if host != "localhost" and not ipaddress.ip_address(host).is_loopback:
        pytest.fail(f"UNDERSTUDY_BASE_URL must be a loopback address, got {url}")
    return url.rstrip("/")


@pytest.fixture(scope="session")
def base_url() -> str:
    url = os.environ.get("UNDERSTUDY_BASE_URL")
    if not url:
        pytest.fail("UNDERSTUDY_BASE_URL is not set: run these through scripts/test")
    return _loopback_url(url)


class _Proxy(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True

    def __init__(self, upstream: str):
        parts = urllib.parse.urlsplit(upstream)
        self.upstream_host = parts.hostname
        self.upstream_port = parts.port or 80
        self.exchanges: list[dict] = []
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _ProxyHandler)


_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
               "proxy-connection", "host", "accept-encoding"}


class _ProxyHandler(http.server.BaseHTTPRequestHandler):
    # HTTP/1.0 answers: each body ends when the connection closes, so a stream passes through
    # frame by frame without re-chunking.
    protocol_version = "HTTP/1.0"

    def log_message(self, *args):  # keep pytest's output clean
        pass

    def _forward(self):
        server: _Proxy = self.server
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
        exchange = {"method": self.command, "path": self.path, "request": body.decode("utf-8", "replace")}
        with server.lock:
            server.exchanges.append(exchange)
        upstream = http.client.HTTPConnection(server.upstream_host, server.upstream_port, timeout=60)
        try:
            upstream.request(self.command, self.path, body=body or None, headers=headers)
            response = upstream.getresponse()
            exchange["status"] = response.status
            self.send_response(response.status, response.reason)
            for key, value in response.getheaders():
                if key.lower() not in _HOP_BY_HOP | {"date", "server"}:
                    self.send_header(key, value)
            self.send_header("connection", "close")
            self.end_headers()
            received = bytearray()
            while True:
                data = response.read1(65536)
                if not data:
                    break
                received += data
                self.wfile.write(data)
                self.wfile.flush()
            exchange["response"] = received.decode("utf-8", "replace")
        except OSError as error:
            exchange.setdefault("status", "proxy error")
            exchange["response"] = repr(error)
        finally:
            upstream.close()

    do_GET = do_POST = do_DELETE = do_PUT = do_PATCH = _forward


@pytest.fixture(scope="session")
def proxy(base_url: str):
    server = _Proxy(base_url)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    dump = os.environ.get("UNDERSTUDY_EXCHANGES_FILE")  # every exchange, one JSON a line, on request
    if dump:
        with open(dump, "w", encoding="utf-8") as out:
            for exchange in server.exchanges:
                out.write(json.dumps(exchange) + "\n")


@pytest.fixture(scope="session")
def understudy_url(proxy: _Proxy) -> str:
    """The URL the clients use: Understudy, seen through the logging proxy."""
    host, port = proxy.server_address[:2]
    return f"http://{host}:{port}"


@pytest.fixture(autouse=True)
def _exchange_log(request, proxy: _Proxy):
    with proxy.lock:
        request.node._understudy_first_exchange = len(proxy.exchanges)
    request.node._understudy_proxy = proxy
    yield
    request.node._understudy_last_exchange = len(proxy.exchanges)


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + f" … ({len(text) - limit} more characters)"


def _render(exchange: dict) -> str:
    request = exchange.get("request", "")
    try:
        request = json.dumps(json.loads(request), indent=1, sort_keys=False)
    except ValueError:
        pass
    lines = [f"{exchange['method']} {exchange['path']}", _short(request, 6000),
             f"→ {exchange.get('status', 'no answer')}", _short(exchange.get("response", ""), 3000)]
    return "\n".join(lines)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    proxy = getattr(item, "_understudy_proxy", None)
    if report.when != "call" or not report.failed or proxy is None:
        return
    with proxy.lock:
        exchanges = list(proxy.exchanges[item._understudy_first_exchange:])
    text = "\n\n".join(_render(e) for e in exchanges) or "(no request reached the server)"
    report.sections.append(("exchanges with Understudy", text))
