"""Fixtures for checking Understudy with the official OpenAI Python SDK.

scripts/test starts `understudy serve --port 0` and passes its base URL in UNDERSTUDY_BASE_URL.
Every client parses strictly (`_strict_response_validation=True`) and never retries, so a
malformed response or a wrong status fails the test instead of being papered over.
"""
import os

import pytest
from openai import OpenAI


@pytest.fixture(scope="session")
def base_url() -> str:
    url = os.environ.get("UNDERSTUDY_BASE_URL")
    if not url:
        pytest.fail("UNDERSTUDY_BASE_URL is not set: run these through scripts/test")
    return url


@pytest.fixture()
def client(base_url: str) -> OpenAI:
    return OpenAI(base_url=base_url + "/v1", api_key="sk-test", max_retries=0, _strict_response_validation=True)


@pytest.fixture()
def openrouter(base_url: str) -> OpenAI:
    return OpenAI(base_url=base_url + "/api/v1", api_key="sk-or-test", max_retries=0, _strict_response_validation=True)
