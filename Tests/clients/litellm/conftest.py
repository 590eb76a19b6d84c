import os

import pytest


@pytest.fixture(scope="session")
def base_url() -> str:
    url = os.environ.get("UNDERSTUDY_BASE_URL")
    if not url:
        pytest.fail("UNDERSTUDY_BASE_URL is not set: run these through scripts/test")
    return url
