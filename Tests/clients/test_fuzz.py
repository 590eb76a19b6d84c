"""Bounded fuzzing of a running server, in CI (issue 14): byte-level mutations of ordinary HTTP
requests, and random request-borne schemas (structured outputs and tool parameters) with hostile
numbers, patterns and references. Whatever arrives, the server answers with a real status (a 5xx
counts as a failure), or closes the connection after a 4xx it sent; it never dies, and it still
serves a good request at the end. Seeded, so a failure reproduces; UNDERSTUDY_FUZZ_SECONDS (default
20 each) bounds the time; bench/fuzz runs longer."""
import json
import os
import random
import signal
import socket
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BINARY = os.environ.get("UNDERSTUDY_BIN", str(ROOT / ".build" / "debug" / "understudy"))
SECONDS = float(os.environ.get("UNDERSTUDY_FUZZ_SECONDS", "20"))
SEED = int(os.environ.get("UNDERSTUDY_FUZZ_SEED", "14"))

GOOD = [
    ("/v1/chat/completions", {"model": "gpt-4o", "messages": [{"role": "user", "content": "Explain how tides work"}]}),
    ("/v1/chat/completions", {"model": "gpt-4o", "stream": True, "n": 2, "stream_options": {"include_usage": True},
                              "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "hi"}]}),
    ("/v1/responses", {"model": "gpt-4o", "input": "Name three rivers.", "stream": True}),
    ("/v1/chat/completions", {"model": "gpt-4o", "tools": [{"type": "function", "function": {
        "name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}],
        "messages": [{"role": "user", "content": "Weather in Oslo?"}]}),
    ("/api/v1/chat/completions", {"model": "openai/gpt-4o", "messages": [{"role": "user", "content": "hi"}]}),
]


def request_bytes(path, body, extra=b""):
    payload = body if isinstance(body, bytes) else json.dumps(body).encode()
    return (f"POST {path} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n"
            f"content-length: {len(payload)}\r\n").encode() + extra + b"\r\n" + payload


def exchange(port, data, timeout=10, whole=False):
    """Sends bytes, half-closes, reads until the server closes; returns the status line or ''
    (`whole`: everything received)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        try:
            s.sendall(data)
            s.shutdown(socket.SHUT_WR)
        except OSError:
            pass  # the server answered and closed before taking everything
        received = b""
        try:
            while chunk := s.recv(65536):
                received += chunk
        except (ConnectionResetError, socket.timeout):
            pass
    return received if whole else received.split(b"\r\n", 1)[0].decode("latin-1")


def mutate(rng, data):
    data = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        kind = rng.randrange(6)
        at = rng.randrange(len(data)) if data else 0
        if kind == 0 and data:
            data[at] ^= 1 << rng.randrange(8)
        elif kind == 1:
            data[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
        elif kind == 2:
            del data[at:at + rng.randint(1, 32)]
        elif kind == 3:
            data[at:at] = rng.choice([b"\r\n", b"\x00", b"{", b"[" * 300, b"9" * 400, b"-1e999", b"\\ud800", b'"', b"%", b"\r\n\r\n"])
        elif kind == 4:
            data = data[:at]
        else:
            data[at:at] = rng.choice([b"transfer-encoding: chunked\r\n", b"content-length: 5\r\n", b"expect: 100-continue\r\n"])
    return bytes(data)


NUMBERS = [0, -1, 1, 1e19, -1e19, 1e-320, 1e308, 2**63, 2**64, 0.5, 10**9, 123456789012345678901234567890]


def random_schema(rng, depth=0):
    kind = rng.choice(["object", "array", "string", "integer", "number", "boolean", "null", "ref", "anyOf", "allOf", "not", "enum"])
    if depth > 4:
        kind = rng.choice(["string", "integer", "ref"])
    if kind == "object":
        props = {f"p{i}": random_schema(rng, depth + 1) for i in range(rng.randint(0, 4))}
        schema = {"type": "object", "properties": props}
        if rng.random() < 0.5:
            schema["required"] = list(props)
        for key in ("minProperties", "maxProperties"):
            if rng.random() < 0.2:
                schema[key] = rng.choice(NUMBERS)
        return schema
    if kind == "array":
        schema = {"type": "array", "items": random_schema(rng, depth + 1)}
        for key in ("minItems", "maxItems"):
            if rng.random() < 0.3:
                schema[key] = rng.choice(NUMBERS)
        return schema
    if kind == "string":
        schema = {"type": "string"}
        if rng.random() < 0.3:
            schema["minLength"] = rng.choice(NUMBERS)
        if rng.random() < 0.3:
            schema["pattern"] = rng.choice(["^[a-z]+$", "^a{-5}$", "(a+)+$", "^((a{100}){100}){100}$", "[", "a{2,1}",
                                            "\\d{3}-\\d{4}", "(?:x|y)*z", "a" * 2000, "^(a|b|c){0,9999}$"])
        if rng.random() < 0.2:
            schema["format"] = rng.choice(["date-time", "email", "uuid", "uri", "weird"])
        return schema
    if kind in ("integer", "number"):
        schema = {"type": kind}
        for key in ("minimum", "maximum", "exclusiveMinimum", "multipleOf"):
            if rng.random() < 0.3:
                schema[key] = rng.choice(NUMBERS)
        return schema
    if kind == "ref":
        return {"$ref": rng.choice(["#", "#/properties/p0", "#/$defs/a", "/etc/passwd#/x", "other.json", "#/nowhere", "/dev/zero"])}
    if kind in ("anyOf", "allOf"):
        return {kind: [random_schema(rng, depth + 1) for _ in range(rng.randint(0, 3))]}
    if kind == "not":
        return {"not": random_schema(rng, depth + 1)}
    if kind == "enum":
        return {"enum": [rng.choice(NUMBERS) for _ in range(rng.randint(0, 3))]}
    return {"type": kind}


def schema_request(rng):
    schema = random_schema(rng)
    if rng.random() < 0.3:
        schema = {"$defs": {"a": random_schema(rng), "b": {"$ref": "#/$defs/a"}}, **schema}
    place = rng.randrange(3)
    if place == 0:
        return "/v1/chat/completions", {"model": "gpt-4o", "messages": [{"role": "user", "content": "Give me the data."}],
                                        "response_format": {"type": "json_schema", "json_schema": {"name": "r", "schema": schema}}}
    if place == 1:
        return "/v1/chat/completions", {"model": "gpt-4o", "tool_choice": "required", "messages": [{"role": "user", "content": "Go."}],
                                        "tools": [{"type": "function", "function": {"name": "f", "parameters": schema}}]}
    return "/v1/responses", {"model": "gpt-4o", "input": "Give me the data.",
                             "text": {"format": {"type": "json_schema", "name": "r", "strict": False, "schema": schema}}}


def run_server():
    process = subprocess.Popen([BINARY, "serve", "--port", "0", "--idle-timeout", "5"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    line = process.stdout.readline()
    assert line.startswith("Understudy listening on "), line + process.stderr.read()
    return process, int(line.rsplit(":", 1)[1])


def fuzz(make, name, prepare=None):
    process, port = run_server()
    rng = random.Random(SEED)
    executed, statuses, failures = 0, {}, []
    try:
        if prepare:
            prepare(port)
        deadline = time.monotonic() + SECONDS
        while time.monotonic() < deadline:
            data = make(rng)
            try:
                status = exchange(port, data)
            except ConnectionRefusedError:
                status = ""  # the server is gone: said below
            executed += 1
            code = status.split(" ")[1] if status.startswith(("HTTP/1.1 ", "HTTP/1.0 ")) else status or "closed"
            statuses[code] = statuses.get(code, 0) + 1
            if process.poll() is not None:
                failures.append(f"the server died (exit {process.returncode}) on input {executed}: {data[:300]!r}")
                break
            if code.startswith("5") or not (code == "closed" or code.isdigit()):
                failures.append(f"{status!r} for {data[:300]!r}")
        if process.poll() is None:
            assert exchange(port, request_bytes(*GOOD[0])).startswith("HTTP/1.1 200"), "no longer serving"
    finally:
        process.send_signal(signal.SIGTERM)
        exit_code = process.wait(timeout=30)
    print(f"{name}: {executed} inputs in {SECONDS:.0f} s, statuses {dict(sorted(statuses.items()))}")
    assert not failures, "\n".join(failures[:10])
    assert executed > 100
    assert exit_code == 0


def test_byte_level_http_fuzzing_never_kills_the_server():
    fuzz(lambda rng: mutate(rng, request_bytes(*rng.choice(GOOD))), "http bytes")


def test_random_request_schemas_get_a_verdict_never_a_crash():
    fuzz(lambda rng: request_bytes(*schema_request(rng)), "request schemas")


# Every route's path parameters and query values, the extremes of the integers a server parses
# included: an id or a limit from the URL must reach no arithmetic that can overflow
# (`GET /__understudy/exchanges/-9223372036854775808` once stopped the server).
EXTREMES = ["-9223372036854775808", "9223372036854775807", "9223372036854775808", "-1", "0", "1", "2147483648",
            "99999999999999999999999", "-0", "+1", "1e9", "0x10", "", "%00", "%FF%FE", "..", "%2e%2e", "a" * 300,
            "%F0%9F%A6%89", "null", "true", "[]", "%22%22"]
TEMPLATES = [
    ("GET", "/v1/models/{}"), ("DELETE", "/v1/models/{}"), ("GET", "/v1/models/openai/{}"),
    ("GET", "/v1/chat/completions"), ("GET", "/v1/chat/completions/{}"), ("POST", "/v1/chat/completions/{}"),
    ("DELETE", "/v1/chat/completions/{}"), ("GET", "/v1/chat/completions/{}/messages"),
    ("GET", "/v1/responses/{}"), ("DELETE", "/v1/responses/{}"), ("GET", "/v1/responses/{}/input_items"),
    ("POST", "/v1/responses/{}/cancel"), ("GET", "/v1/conversations/{}"), ("GET", "/v1/conversations/{}/items"),
    ("GET", "/v1/conversations/{}/items/{}"), ("DELETE", "/v1/conversations/{}/items/{}"),
    ("GET", "/__understudy/exchanges/{}"), ("GET", "/__understudy/exchanges/{}.jsonl"), ("GET", "/__understudy/exchanges"),
    ("GET", "/__understudy/journal"), ("GET", "/__understudy/rate-limits"), ("DELETE", "/__understudy/scenarios/{}"),
    ("GET", "/__understudy/ui/{}"), ("GET", "/v1/openapi.json"), ("GET", "/health"),
]
QUERY_KEYS = ["limit", "after", "before", "order", "starting_after", "stream", "include[]", "metadata[k]", "model", "token"]


def path_request(rng, ids):
    method, template = rng.choice(TEMPLATES)
    values = EXTREMES + ids
    path = template.format(*(rng.choice(values) for _ in range(template.count("{}"))))
    query = "&".join(f"{rng.choice(QUERY_KEYS)}={rng.choice(values)}" for _ in range(rng.randrange(4)))
    target = path + ("?" + query if query else "")
    return f"{method} {target} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-length: 0\r\n\r\n".encode()


def test_path_parameters_and_query_values_get_a_verdict_never_a_crash():
    # Something to find: stored completions and responses, a conversation, exchanges in the ring.
    ids = []
    def seed_state(port):
        for path, body in [("/v1/chat/completions", {**GOOD[0][1], "store": True}),
                           ("/v1/responses", {"model": "gpt-4o", "input": "hi", "store": True}),
                           ("/v1/conversations", {})]:
            reply = exchange(port, request_bytes(path, body), whole=True)
            ids.append(json.loads(reply.split(b"\r\n\r\n", 1)[1])["id"])
    fuzz(lambda rng: path_request(rng, ids), "paths and queries", prepare=seed_state)

