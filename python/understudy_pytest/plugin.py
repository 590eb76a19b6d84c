"""The pytest11 entry point: fixtures `understudy`, `understudy_factory`; marker `understudy_scenarios`."""
from __future__ import annotations

from typing import Iterator

import pytest

from .server import UnderstudyError, UnderstudyServer, find_binary

MARKER = "understudy_scenarios"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f'{MARKER}(yaml): scenario rules (a "scenarios:" YAML document) added to the '
                   "`understudy` server for this test only")


def pytest_report_header(config: pytest.Config) -> str:
    try:
        return f"understudy: {find_binary()}"
    except UnderstudyError as error:
        return f"understudy: {error}"


@pytest.fixture(scope="session")
def understudy_session() -> Iterator[UnderstudyServer]:
    """The session's server without the per-test reset (for fixtures of a wider scope than a test)."""
    server = UnderstudyServer()
    yield server
    server.stop()


@pytest.fixture
def understudy(understudy_session: UnderstudyServer, request: pytest.FixtureRequest) -> Iterator[UnderstudyServer]:
    """The session's server (`serve --port 0 --clock 2025-07-01T00:00:00Z --self-check`), reset before
    each test, with this test's `understudy_scenarios` markers applied."""
    server = understudy_session
    server.reset()
    server.remove_scenarios()
    added: list[str] = []
    for marker in reversed(list(request.node.iter_markers(MARKER))):
        for yaml in marker.args:
            added += server.add_scenarios(yaml)
    yield server
    for name in added:
        try:
            server.remove_scenarios(name)
        except UnderstudyError:
            pass  # the test removed it itself


class UnderstudyFactory:
    """Call it with `serve`'s options to start another server: understudy_factory("--flavor", "openrouter")."""

    def __init__(self) -> None:
        self.servers: list[UnderstudyServer] = []

    def __call__(self, *args: str, clock: str | None = "2025-07-01T00:00:00Z", self_check: bool = True) -> UnderstudyServer:
        server = UnderstudyServer(*args, clock=clock, self_check=self_check)
        self.servers.append(server)
        return server

    def stop_all(self) -> None:
        for server in self.servers:
            server.stop()
        self.servers.clear()


@pytest.fixture(scope="session")
def understudy_factory() -> Iterator[UnderstudyFactory]:
    """Starts extra servers with given command-line options; they all stop at the end of the session."""
    factory = UnderstudyFactory()
    yield factory
    factory.stop_all()
