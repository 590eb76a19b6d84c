"""The downloads as a user gets them: the container image (scripts/image) run by podman
(scripts/podman), and the GitHub Action's start script on the release archive (scripts/release).
scripts/test-downloads builds both first. Where podman cannot run containers here, the image's tests
are skipped by name with the reason (UNDERSTUDY_PODMAN_UNUSABLE)."""
from __future__ import annotations

import json
import os
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Optional

import pytest

ROOT = Path(__file__).resolve().parents[2]
IMAGE = os.environ.get("UNDERSTUDY_IMAGE", "understudy:latest")


def podman(*args: str, check: bool = True, timeout: float = 120) -> subprocess.CompletedProcess:
    done = subprocess.run([str(ROOT / "scripts" / "podman"), *args], capture_output=True, text=True, timeout=timeout)
    if check and done.returncode != 0:
        raise AssertionError(f"podman {' '.join(args)} exited {done.returncode}: {done.stderr[-2000:]}")
    return done


def get(url: str, headers: Optional[dict] = None, timeout: float = 10) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


class Container:
    """One `podman run -d` of the image, its 8080 published on a free loopback port."""

    def __init__(self, *args: str, env: Optional[dict] = None, volumes: tuple = ()):
        argv = ["run", "-d", "-p", "127.0.0.1::8080",
                # The image's HEALTHCHECK stays defined (podman healthcheck run) without a timer (no systemd here).
                "--health-interval", "disable"]
        for name, value in (env or {}).items():
            argv += ["-e", f"{name}={value}"]
        for host, inside in volumes:
            argv += ["-v", f"{host}:{inside}:ro"]
        started = time.monotonic()
        self.id = podman(*argv, IMAGE, *args).stdout.strip()
        published = podman("port", self.id, "8080/tcp").stdout.split()[0]
        self.base_url = f"http://{published}"
        self.first_answer_seconds = self._await_health(started)

    def _await_health(self, started: float, timeout: float = 30) -> float:
        tries = 0
        while time.monotonic() - started < timeout:
            try:
                if get(self.base_url + "/health", timeout=2)[0] == 200:
                    return time.monotonic() - started
            except OSError:
                pass
            tries += 1
            if tries % 20 == 0 and self.inspect()["State"]["Status"] != "running":
                break
            time.sleep(0.05)
        raise AssertionError(f"the container did not answer /health: {self.logs()}")

    def inspect(self) -> dict:
        return json.loads(podman("inspect", self.id).stdout)[0]

    def logs(self) -> str:
        done = podman("logs", self.id, check=False)
        return done.stdout + "".join(line + "\n" for line in done.stderr.splitlines() if "systemd" not in line)

    def remove(self) -> None:
        podman("rm", "-f", "-t", "0", self.id, check=False)


@pytest.fixture(scope="session")
def image() -> str:
    unusable = os.environ.get("UNDERSTUDY_PODMAN_UNUSABLE")
    if unusable:
        pytest.skip(f"podman cannot run containers here: {unusable}")
    if podman("image", "exists", IMAGE, check=False).returncode != 0:
        pytest.fail(f"no image {IMAGE}: scripts/image builds it (scripts/test-downloads runs it first)")
    return IMAGE


@pytest.fixture
def container(image):
    """Starts containers of the image; removes them after the test."""
    started: list[Container] = []

    def start(*args: str, **options) -> Container:
        started.append(Container(*args, **options))
        return started[-1]

    yield start
    for each in started:
        each.remove()


def recipe(document: Path, name: str) -> str:
    """The fenced code block after `<!-- recipe: NAME -->` in a docs page, as written."""
    text = document.read_text()
    marker = f"<!-- recipe: {name} -->\n"
    assert marker in text, f"{document} has no recipe {name}"
    block = text.split(marker, 1)[1]
    assert block.startswith("```"), f"the recipe {name} is not a fenced block right after its marker"
    return block.split("\n", 1)[1].split("\n```", 1)[0] + "\n"
