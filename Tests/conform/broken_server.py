"""A deliberately broken OpenAI-compatible server, to prove `understudy conform` catches violations.

It forwards every request to a real Understudy (so answers are valid by default) and plants one
violation per conformance check, chosen by the `x-understudy-conform-check` header each conform
request carries. PLANTED maps each check to the finding conform must report for it.

    python3 broken_server.py UPSTREAM_BASE_URL   # prints "listening on http://127.0.0.1:PORT"
"""
import itertools
import json
import sys
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# check -> a phrase the check's finding must contain.
PLANTED = {
    "chat.completion": "missing required property 'created'",
    "chat.usage": "total_tokens",
    "chat.determinism": "got two answers",
    "streaming.chat": "the usage chunk (event",
    "streaming.responses": "sequence_number",
    "responses.create": "/status",
    "responses.conversation": "second turn: expected 200, got 500",
    "errors.malformed-json": "a server error",
    "errors.missing-required": "was answered 200",
    "errors.wrong-type": "missing required property 'type'",
    "errors.out-of-range": "was answered 200",
    "errors.unknown-role": "the body is not JSON",
    "errors.unknown-model": "a server error",
    "errors.responses-invalid": "was answered 200",
    "tools.call": "break the declared parameters",
    "tools.round-trip": "neither content nor a tool call",
    "tools.streaming": "arguments are not JSON",
    "tools.responses": "missing required property 'unit'",
    "structured.chat": "breaks the requested schema",
    "structured.responses": "not JSON",
    "generated.valid": "a schema-valid request was answered 500",
    "generated.invalid": "was answered 200",
}

UPSTREAM = ""
counter = itertools.count(1)


def forward(path, body):
    request = urllib.request.Request(UPSTREAM + path, data=body, method="POST",
                                     headers={"content-type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers.get("content-type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("content-type", ""), error.read()


def valid_chat(model="gpt-4o"):
    return forward("/v1/chat/completions", json.dumps(
        {"model": model, "messages": [{"role": "user", "content": "hi"}]}).encode())


def events(body):
    return [block for block in body.decode().split("\n\n") if block.strip()]


def data_of(block):
    return next(line[6:] for line in block.splitlines() if line.startswith("data: "))


def with_data(block, value):
    return "\n".join(f"data: {json.dumps(value)}" if line.startswith("data: ") else line for line in block.splitlines())


def sse(blocks):
    return ("\n\n".join(blocks) + "\n\n").encode()


def edit_json(body, change):
    value = json.loads(body)
    change(value)
    return json.dumps(value).encode()


def plant(check, path, request, answer):
    status, ctype, body = answer
    if check == "chat.completion":
        return status, ctype, edit_json(body, lambda v: v.pop("created"))
    if check == "chat.usage":
        return status, ctype, edit_json(body, lambda v: v["usage"].update(total_tokens=v["usage"]["total_tokens"] + 1))
    if check == "chat.determinism":
        n = next(counter)
        return status, ctype, edit_json(body, lambda v: v["choices"][0]["message"].update(content=f"answer {n}"))
    if check == "streaming.chat":  # the usage chunk moved before the content
        blocks = events(body)
        usage = next(b for b in blocks if b.startswith("data: {") and json.loads(data_of(b))["choices"] == [])
        blocks.remove(usage)
        blocks.insert(1, usage)
        return status, ctype, sse(blocks)
    if check == "streaming.responses":  # a sequence number that goes backwards
        blocks = events(body)
        third = json.loads(data_of(blocks[2]))
        third["sequence_number"] = 0
        blocks[2] = with_data(blocks[2], third)
        return status, ctype, sse(blocks)
    if check == "responses.create":
        return status, ctype, edit_json(body, lambda v: v.update(status="finished"))
    if check == "responses.conversation" and b"previous_response_id" in request:
        return 500, "application/json", b'{"error": {"message": "boom", "type": "server_error", "param": null, "code": null}}'
    if check in ("errors.malformed-json", "errors.unknown-model"):
        return 500, "text/html", b"<h1>Internal Server Error</h1>"
    if check in ("errors.missing-required", "errors.out-of-range", "generated.invalid"):
        return valid_chat()
    if check == "errors.wrong-type":
        return status, ctype, edit_json(body, lambda v: v["error"].pop("type"))
    if check == "errors.unknown-role":
        return 400, "application/json", b"Bad Request"
    if check == "errors.responses-invalid":
        return forward("/v1/responses", b'{"model": "gpt-4o", "input": "hi"}')
    if check == "tools.call":
        def bad_arguments(v):
            v["choices"][0]["message"]["tool_calls"][0]["function"]["arguments"] = '{"city": 42, "unit": "celsius"}'
        return status, ctype, edit_json(body, bad_arguments)
    if check == "tools.round-trip":
        return status, ctype, edit_json(body, lambda v: v["choices"][0]["message"].update(content=None))
    if check == "tools.streaming":  # the last piece of the arguments goes missing
        blocks = events(body)
        for i in reversed(range(len(blocks))):
            if '"arguments"' in blocks[i]:
                chunk = json.loads(data_of(blocks[i]))
                chunk["choices"][0]["delta"]["tool_calls"][0]["function"]["arguments"] = ""
                blocks[i] = with_data(blocks[i], chunk)
                break
        return status, ctype, sse(blocks)
    if check == "tools.responses":
        def drop_unit(v):
            for item in v["output"]:
                if item["type"] == "function_call":
                    item["arguments"] = '{"city": "Lisbon"}'
        return status, ctype, edit_json(body, drop_unit)
    if check == "structured.chat":
        return status, ctype, edit_json(body, lambda v: v["choices"][0]["message"].update(content='{"city": "Porto"}'))
    if check == "structured.responses":
        def prose(v):
            for item in v["output"]:
                for part in item.get("content", []):
                    part["text"] = "Porto is lovely."
        return status, ctype, edit_json(body, prose)
    if check == "generated.valid" and len(json.loads(request)) > 2:  # a crash on any optional property
        return 500, "application/json", b'{"error": {"message": "internal error", "type": "server_error", "param": null, "code": null}}'
    return answer


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go in two writes

    def do_POST(self):
        request = self.rfile.read(int(self.headers.get("content-length", 0)))
        check = self.headers.get("x-understudy-conform-check", "")
        path = self.path
        status, ctype, body = plant(check, path, request, forward(path, request))
        self.send_response(status)
        self.send_header("content-type", ctype or "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    UPSTREAM = sys.argv[1].rstrip("/")
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(f"listening on http://127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()
