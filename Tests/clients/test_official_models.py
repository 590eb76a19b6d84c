"""Every model id of the official OpenAI document answers, through the official SDK parsing
strictly: no app fails on its first request for naming a real model. Runs when
UNDERSTUDY_OPENAPI_DOCUMENT names the document (.ci/run sets it), and is skipped, by name,
without it."""
import os

import openai
import pytest
import yaml

DOCUMENT = os.environ.get("UNDERSTUDY_OPENAPI_DOCUMENT")
# The SDK itself says of it: "Not a supported model ID. Retained for SDK compatibility."
NOT_SERVED = {"gpt-5.1-mini"}


def enum_ids(schemas, name):
    ids = []
    for branch in schemas[name].get("anyOf", []) + schemas[name].get("oneOf", []):
        if "$ref" in branch:
            ids += enum_ids(schemas, branch["$ref"].rsplit("/", 1)[-1])
        ids += branch.get("enum", [])
    return ids


@pytest.mark.skipif(not DOCUMENT, reason="UNDERSTUDY_OPENAPI_DOCUMENT is not set (scripts/fetch-openai-spec fetches it)")
def test_every_model_id_of_the_official_document_answers(client):
    with open(DOCUMENT, "rb") as file:
        schemas = yaml.load(file, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))["components"]["schemas"]
    shared = [i for i in enum_ids(schemas, "ModelIdsShared") if i not in NOT_SERVED]
    responses_only = [i for i in enum_ids(schemas, "ModelIdsResponses") if i not in shared and i not in NOT_SERVED]
    assert len(shared) > 50 and responses_only
    failures = []
    for model in shared + responses_only:
        served = []
        calls = [("responses", lambda: client.responses.create(model=model, input="Say hello.").output_text)]
        if model in shared:
            calls.append(("chat", lambda: client.chat.completions.create(
                model=model, messages=[{"role": "user", "content": "Say hello."}]).choices[0].message.content))
        for api, call in calls:
            try:
                assert call()
                served.append(api)
            except Exception as error:  # noqa: BLE001 - collected and reported together
                # A model one API does not serve is refused on it in the live API's words.
                if "is only supported in v1/" not in str(error):
                    failures.append(f"{model} ({api}): {error}")
        if not served:
            failures.append(f"{model}: served by neither API")
    assert not failures, "\n".join(failures[:20])


def model_enums_of_other_apis(schemas):
    """Every model id a request `model` of the document's other APIs names (images, speech,
    transcription, realtime, moderation, video): the enums under each schema's `model` property,
    and `VideoModel`. The chat and Responses enums are the test above's."""
    ids = set()
    for name, schema in schemas.items():
        model = (schema.get("properties") or {}).get("model") if isinstance(schema, dict) else None
        if name == "VideoModel":
            model = schema
        for branch in (model or {}).get("anyOf", []) + (model or {}).get("oneOf", []) + [model or {}]:
            if "$ref" not in branch:
                ids.update(i for i in branch.get("enum", []) if isinstance(i, str))
    shared = set(enum_ids(schemas, "ModelIdsShared")) | set(enum_ids(schemas, "ModelIdsResponses"))
    return sorted(ids - shared - NOT_SERVED)


@pytest.mark.skipif(not DOCUMENT, reason="UNDERSTUDY_OPENAPI_DOCUMENT is not set (scripts/fetch-openai-spec fetches it)")
def test_every_model_of_the_other_apis_is_listed_and_refused_as_the_live_api_refuses_it(client):
    """dall-e-3, whisper-1, tts-1, gpt-realtime, omni-moderation-latest, sora-2…: the live API lists and
    retrieves them, and its text APIs refuse them as "not a chat model" (a 404 naming `model`), never
    as a model that does not exist. A chat model among them (gpt-audio-mini) answers."""
    with open(DOCUMENT, "rb") as file:
        schemas = yaml.load(file, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))["components"]["schemas"]
    ids = model_enums_of_other_apis(schemas)
    assert {"dall-e-3", "whisper-1", "tts-1", "gpt-realtime", "omni-moderation-latest", "sora-2"} <= set(ids)
    listed = {m.id for m in client.models.list()}
    failures = []
    for model in ids:
        if model not in listed:
            failures.append(f"{model}: not in GET /v1/models")
        try:
            retrieved = client.models.retrieve(model)
            if retrieved.owned_by not in ("system", "openai", "openai-internal"):
                failures.append(f"{model}: owned_by {retrieved.owned_by}")
        except openai.APIError as error:
            failures.append(f"{model}: retrieve: {error}")
        try:
            client.chat.completions.create(model=model, messages=[{"role": "user", "content": "Say hello."}])
        except openai.NotFoundError as error:
            if "This is not a chat model" not in str(error) or error.body.get("param") != "model":
                failures.append(f"{model}: chat refused as {error}")
    assert not failures, "\n".join(failures[:20])


def test_gpt_audio_answers_chat_completions_with_audio_in(client):
    """gpt-audio answers as the live API did for Mirascope's recording (2025-10-23): a text answer to
    a prompt with an input_audio part, under its dated snapshot, without choices[].logprobs."""
    completion = client.chat.completions.create(model="gpt-audio", messages=[{"role": "user", "content": [
        {"type": "text", "text": "Transcribe this:"},
        {"type": "input_audio", "input_audio": {"data": "SUQzBAAAAAAAI1RTU0UAAAAPAAADTGF2ZjU4Ljc2LjEwMAAAAAAAAAAAAAAA", "format": "mp3"}}]}])
    assert completion.model == "gpt-audio-2025-08-28"
    assert completion.choices[0].message.content
    assert "logprobs" not in completion.choices[0].model_dump(exclude_unset=True)
    assert client.models.retrieve("gpt-audio-mini").owned_by == "system"
    with pytest.raises(openai.NotFoundError) as refused:
        client.responses.create(model="gpt-audio", input="Say hello.")
    assert "only supported in v1/chat/completions" in str(refused.value)


def test_deleting_models_answers_as_the_owner_and_the_non_owner_would(client):
    """DELETE /v1/models/{model} (issue 23's resource added in one file): a fine-tune of a known
    base is deleted (the SDK's ModelDeleted), a catalog model is not the caller's (403), and an
    unknown id is the 404 retrieving it gives."""
    import openai
    deleted = client.models.delete("ft:gpt-4o-mini:acme::abc123")
    assert (deleted.id, deleted.object, deleted.deleted) == ("ft:gpt-4o-mini:acme::abc123", "model", True)
    with pytest.raises(openai.PermissionDeniedError):
        client.models.delete("gpt-4o")
    with pytest.raises(openai.NotFoundError):
        client.models.delete("ft:no-such-base:acme::abc123")
    assert client.models.retrieve("gpt-4o").id == "gpt-4o"
