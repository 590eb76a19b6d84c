"""LiteLLM's Router failing over from a failing model to a healthy one.

Tests/clients/scenarios.yaml answers 500 to the key sk-litellm-primary. LiteLLM stays offline: its
model cost map is the bundled one and tiktoken gets an empty cache (our responses carry usage).
"""
import json
import os
import tempfile
import urllib.request

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
os.environ.setdefault("TIKTOKEN_CACHE_DIR", tempfile.mkdtemp(prefix="tiktoken-"))

from litellm import Router  # noqa: E402


def test_router_falls_back_to_the_healthy_model(base_url):
    router = Router(model_list=[
        {"model_name": "primary", "litellm_params": {"model": "openai/gpt-4", "api_base": base_url + "/v1", "api_key": "sk-litellm-primary"}},
        {"model_name": "backup", "litellm_params": {"model": "openai/gpt-4o", "api_base": base_url + "/v1", "api_key": "sk-litellm-backup"}},
    ], fallbacks=[{"primary": ["backup"]}], num_retries=0)
    response = router.completion(model="primary", messages=[{"role": "user", "content": "Name a river"}])
    assert response.model == "gpt-4o-2024-08-06"
    assert response.choices[0].message.content
    journal = json.load(urllib.request.urlopen(base_url + "/__understudy/journal?limit=10"))["data"]
    fired = [e for e in journal if e["scenario"] == "litellm-primary-down"]
    assert fired and fired[0]["status"] == 500
