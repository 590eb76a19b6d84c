"""Answers shaped as the live API's recorded ones (issue 20, item 4), parsed strictly by the SDK.

Hosted tools give their items and stream events; the deprecated `functions` get `function_call`;
no Response carries `output_text` on the wire (the SDK's property still gathers the text).
"""
import json
import urllib.request

WEB = [{"type": "web_search"}]


def post(url: str, body: dict) -> dict:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"content-type": "application/json"})
    with urllib.request.urlopen(request) as answer:
        return json.load(answer)


def test_web_search_item_and_citation(client, base_url):
    response = client.responses.create(model="gpt-4.1", input="Tallest mountain in Alberta?", tools=WEB)
    call, message = response.output
    assert call.type == "web_search_call" and call.status == "completed" and call.action.type == "search"
    part = message.content[0]
    citation = part.annotations[0]
    assert citation.type == "url_citation" and citation.url in part.text[citation.start_index:citation.end_index]
    assert response.output_text == part.text
    raw = post(base_url + "/v1/responses", {"model": "gpt-4.1", "input": "Tallest mountain in Alberta?", "tools": WEB})
    assert "output_text" not in raw and raw["tool_usage"]["web_search"]["num_requests"] == 1


def test_web_search_stream(client):
    events = list(client.responses.create(model="gpt-4.1", input="Tallest mountain in Alberta?", tools=WEB, stream=True))
    types = [e.type for e in events]
    assert types[2:7] == ["response.output_item.added", "response.web_search_call.in_progress",
                          "response.web_search_call.searching", "response.web_search_call.completed", "response.output_item.done"]
    added = [e for e in events if e.type == "response.output_text.annotation.added"]
    assert len(added) == 1 and added[0].annotation.type == "url_citation"
    text = "".join(e.delta for e in events if e.type == "response.output_text.delta")
    assert text == events[-1].response.output_text


def test_code_interpreter_and_file_search(client):
    response = client.responses.create(
        model="gpt-4.1", input="Count the words in this sentence", include=["code_interpreter_call.outputs"],
        tools=[{"type": "code_interpreter", "container": {"type": "auto"}},
               {"type": "file_search", "vector_store_ids": ["vs_123"]}])
    code, search, message = response.output
    assert code.type == "code_interpreter_call" and code.container_id.startswith("cntr_") and code.outputs[0].type == "logs"
    assert search.type == "file_search_call" and search.queries and search.results is None
    assert message.type == "message"
    events = list(client.responses.create(model="gpt-4.1", input="Count the words in this sentence",
                                          tools=[{"type": "code_interpreter", "container": {"type": "auto"}}], stream=True))
    streamed = "".join(e.delta for e in events if e.type == "response.code_interpreter_call_code.delta")
    done = next(e for e in events if e.type == "response.code_interpreter_call_code.done")
    assert streamed == done.code == events[-1].response.output[0].code


def test_mcp_and_image_generation(client):
    mcp = {"type": "mcp", "server_label": "wiki", "server_url": "https://mcp.example.com/sse", "require_approval": "never"}
    response = client.responses.create(model="gpt-4.1", input="Summarise the repository", tools=[mcp])
    listed, call, _ = response.output
    assert listed.type == "mcp_list_tools" and listed.tools[0].name == call.name and call.type == "mcp_call"
    assert json.loads(call.arguments) and call.output
    pending = client.responses.create(model="gpt-4.1", input="Summarise the repository", tools=[dict(mcp, require_approval="always")])
    assert [item.type for item in pending.output] == ["mcp_list_tools", "mcp_approval_request"]
    image = client.responses.create(model="gpt-4.1", input="Draw a lighthouse", tools=[{"type": "image_generation"}])
    assert image.output[0].type == "image_generation_call" and image.output[0].result
    events = list(client.responses.create(model="gpt-4.1", input="Draw a lighthouse", tools=[{"type": "image_generation"}], stream=True))
    assert "response.image_generation_call.partial_image" in [e.type for e in events]


def test_legacy_functions_get_function_call(client):
    functions = [{"name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}]
    reply = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "Weather in Paris?"}],
                                           functions=functions, function_call={"name": "get_weather"})
    choice = reply.choices[0]
    assert choice.finish_reason == "function_call" and choice.message.tool_calls is None
    assert choice.message.function_call.name == "get_weather" and "city" in json.loads(choice.message.function_call.arguments)
    chunks = list(client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "Weather in Paris?"}],
                                                 functions=functions, function_call={"name": "get_weather"}, stream=True))
    arguments = "".join(c.choices[0].delta.function_call.arguments for c in chunks if c.choices and c.choices[0].delta.function_call)
    assert arguments == choice.message.function_call.arguments
    assert chunks[-1].choices[0].finish_reason == "function_call"


def test_reasoning_model_choices_have_no_logprobs(base_url):
    body = {"model": "gpt-5-mini", "messages": [{"role": "user", "content": "Hi"}]}
    reply = post(base_url + "/v1/chat/completions", body)
    assert "logprobs" not in reply["choices"][0]
    reply = post(base_url + "/v1/chat/completions", dict(body, model="gpt-4o"))
    assert reply["choices"][0]["logprobs"] is None


SCHEMA = {"properties": {"name": {"title": "Name", "type": "string"}, "age": {"title": "Age", "type": "integer"}},
          "required": ["name", "age"], "title": "User", "type": "object"}
SYSTEM = ("As a genius expert, your task is to understand the content and provide\nthe parsed objects in json that match "
          f"the following json_schema:\n\n{json.dumps(SCHEMA, indent=2)}\n\nMake sure to return an instance of the JSON, not the schema itself")


def test_schema_in_the_prompt_is_followed(client):
    messages = [{"role": "system", "content": SYSTEM}, {"role": "user", "content": "Jason is 25 years old"}]
    reply = client.chat.completions.create(model="gpt-4o", messages=messages, response_format={"type": "json_object"})
    user = json.loads(reply.choices[0].message.content)
    assert set(user) == {"name", "age"} and isinstance(user["age"], int)
    fenced = client.chat.completions.create(model="gpt-4o", messages=messages + [
        {"role": "user", "content": "Return the correct JSON response within a ```json codeblock. not the JSON_SCHEMA"}])
    text = fenced.choices[0].message.content
    assert text.startswith("```json\n") and text.endswith("\n```")
    assert set(json.loads(text[len("```json\n"):-len("\n```")])) == {"name", "age"}


def test_embeddings(client, base_url):
    """The strict client asks for floats: the SDK otherwise asks for base64 and decodes it after
    parsing, which its own strict mode refuses, against the live API too."""
    docs = ["The cat sat on the warm mat.", "Stock markets fell sharply on Monday.", "A kitten sleeps on a mat."]
    result = client.embeddings.create(model="text-embedding-3-small", input=docs, encoding_format="float")
    assert [d.index for d in result.data] == [0, 1, 2] and len(result.data[0].embedding) == 1536
    assert result.model == "text-embedding-3-small" and result.usage.prompt_tokens == result.usage.total_tokens > 0
    again = client.embeddings.create(model="text-embedding-3-small", input="The cat sat on the warm mat.", encoding_format="float")
    assert again.data[0].embedding == result.data[0].embedding
    query = client.embeddings.create(model="text-embedding-3-small", input="cat on a mat", encoding_format="float").data[0].embedding
    scores = [sum(a * b for a, b in zip(query, d.embedding)) for d in result.data]
    assert scores.index(min(scores)) == 1 and abs(sum(x * x for x in query) - 1) < 1e-4
    short = client.embeddings.create(model="text-embedding-3-large", input="hi", dimensions=256, encoding_format="float")
    assert len(short.data[0].embedding) == 256
    from openai import OpenAI
    lenient = OpenAI(base_url=base_url + "/v1", api_key="sk-test", max_retries=0)
    packed = lenient.embeddings.create(model="text-embedding-3-small", input="The cat sat on the warm mat.")
    # base64 float32s, decoded by the SDK: the same vector as the floats, to float32 precision.
    assert max(abs(a - b) for a, b in zip(packed.data[0].embedding, result.data[0].embedding)) < 1e-7


def test_embeddings_errors(client):
    import openai
    import pytest
    with pytest.raises(openai.PermissionDeniedError):
        client.embeddings.create(model="gpt-4o", input="hi")
    with pytest.raises(openai.BadRequestError):
        client.embeddings.create(model="text-embedding-ada-002", input="hi", dimensions=256)
    with pytest.raises(openai.NotFoundError):
        client.chat.completions.create(model="text-embedding-3-small", messages=[{"role": "user", "content": "hi"}])


def test_json_schema_format_is_repeated_as_the_live_api_writes_it(client, base_url):
    """`text.format` of a json_schema answer (JSON and streamed): type, description (null when the
    request gave none), name, schema, strict, in that order, as Mirascope's, crewAI's and
    openllmetry's recordings of 2025-10 to 2026-05 have it."""
    schema = {"type": "object", "properties": {"title": {"type": "string"}}, "required": ["title"], "additionalProperties": False}
    body = {"model": "gpt-4o", "input": "Recommend a book", "text": {"format": {"name": "Book", "schema": schema, "strict": True, "type": "json_schema"}}}
    raw = post(base_url + "/v1/responses", body)
    assert list(raw["text"]["format"]) == ["type", "description", "name", "schema", "strict"]
    assert raw["text"]["format"]["description"] is None and raw["text"]["format"]["schema"] == schema
    described = client.responses.create(model="gpt-4o", input="Recommend a book", text={"format": {
        "type": "json_schema", "name": "Book", "description": "One book.", "schema": schema, "strict": True}})
    assert described.text.format.description == "One book." and json.loads(described.output_text)["title"]
    with client.responses.stream(model="gpt-4o", input="Recommend a book", text={"format": body["text"]["format"]}) as stream:
        created = next(event for event in stream if event.type == "response.created")
    assert created.response.text.format.description is None and created.response.text.format.strict is True
