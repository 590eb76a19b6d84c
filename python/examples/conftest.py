import pytest

from support_app import make_client


@pytest.fixture
def client(understudy):
    """The app's client, pointed at the session's Understudy (reset before each test)."""
    return make_client(understudy.openai_base_url)
