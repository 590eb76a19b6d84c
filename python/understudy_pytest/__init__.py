"""Understudy for pytest: a mock OpenAI-compatible server per test session, reset before each test.

Fixtures: `understudy` (the session's server, reset before each test) and `understudy_factory`
(start more servers with command-line options; all stop at the end of the session). Marker:
`@pytest.mark.understudy_scenarios(yaml)` adds scenario rules to `understudy` for one test.
"""
from ._version import __version__
from .server import DEFAULT_CLOCK, UnderstudyError, UnderstudyServer, find_binary

__all__ = ["DEFAULT_CLOCK", "UnderstudyError", "UnderstudyServer", "find_binary", "__version__"]
