"""docs/container.md's recipes run as written: `docker run` (docker being podman here), docker
compose's file (run by podman-compose from PyPI) and Testcontainers for Python against podman's
Docker-compatible API socket (Ryuk disabled)."""
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from conftest import ROOT, podman, recipe

DOCS = ROOT / "docs" / "container.md"
PUBLISHED = "ghcr.io/understudy-mock/understudy:latest"


@pytest.fixture(scope="module")
def published(image):
    """The local image under the name the docs use (nothing is pulled)."""
    podman("tag", image, PUBLISHED)
    yield PUBLISHED
    podman("rmi", PUBLISHED, check=False)


@pytest.fixture(scope="module")
def podman_socket(published):
    directory = tempfile.mkdtemp(prefix="understudy-podman-")
    path = Path(directory) / "podman.sock"
    service = subprocess.Popen([str(ROOT / "scripts" / "podman"), "system", "service", "--time=0", f"unix://{path}"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 20
    while not path.exists():
        if service.poll() is not None or time.monotonic() > deadline:
            service.kill()
            pytest.fail(f"podman system service did not open {path}: {service.stderr.read()[-2000:]}")
        time.sleep(0.1)
    yield path
    service.terminate()
    service.wait(timeout=10)
    path.unlink(missing_ok=True)
    os.rmdir(directory)


def test_testcontainers_python_recipe(podman_socket, monkeypatch):
    monkeypatch.setenv("DOCKER_HOST", f"unix://{podman_socket}")
    monkeypatch.setenv("TESTCONTAINERS_RYUK_DISABLED", "true")
    # This machine has a /.dockerenv, so testcontainers would look for the container through a
    # gateway; podman publishes its ports here, on the socket's host.
    monkeypatch.setenv("TESTCONTAINERS_CONNECTION_MODE", "docker_host")
    code = recipe(DOCS, "testcontainers-python")
    started = time.monotonic()
    # The recipe asserts its own answer ("pong"); testcontainers reads its settings on import.
    exec(compile(code, f"{DOCS}:testcontainers-python", "exec"), {})
    print(f"Testcontainers recipe: {time.monotonic() - started:.1f} s")


def test_docker_run_recipe(published, tmp_path):
    # docker is podman here, and a free port stands in for 8080 (other servers may hold it).
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    name = f"understudy-recipe-{port}"
    script = recipe(DOCS, "docker-run").replace("8080:8080", f"{port}:8080").replace("localhost:8080", f"localhost:{port}")
    script = script.replace("--name understudy ", f"--name {name} ").replace("docker stop understudy", f"docker stop {name}")
    shim = tmp_path / "docker"
    shim.write_text(f'#!/bin/sh\nexec "{ROOT}/scripts/podman" "$@"\n')
    shim.chmod(0o755)
    env = {**os.environ, "PATH": f"{tmp_path}:{os.environ['PATH']}"}
    try:
        done = subprocess.run(["bash", "-euo", "pipefail", "-c", script], capture_output=True, text=True, timeout=60, env=env)
    finally:
        podman("rm", "-f", "-t", "0", name, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert '"content":"pong"' in done.stdout.replace(" ", ""), done.stdout


def test_compose_recipe(published, tmp_path):
    # The compose file as written, but for a free port standing in for 8080; its `app` is the
    # reader's own (`build: .`): here a container of the same image whose entrypoint checks the
    # mock by its service name, as an app's first call would reach it.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    (tmp_path / "compose.yaml").write_text(recipe(DOCS, "compose").replace('"8080:8080"', f'"{port}:8080"'))
    (tmp_path / "Dockerfile").write_text(
        f"FROM {PUBLISHED}\nENTRYPOINT [\"/understudy\", \"health\", \"--host\", \"understudy\", \"--port\", \"8080\"]\n")
    project = f"understudy-compose-{port}"
    compose = [str(Path(sys.executable).parent / "podman-compose"), "--podman-path", str(ROOT / "scripts" / "podman"), "-p", project]
    try:
        up = subprocess.run([*compose, "up", "-d"], cwd=tmp_path, capture_output=True, text=True, timeout=180)
        assert up.returncode == 0, up.stderr[-2000:]
        # podman 4.3 ignores `condition: service_healthy` (podman-compose warns): the app starts
        # once the server's container has, and the server is ready in a tenth of a second.
        assert podman("wait", f"{project}_app_1").stdout.strip() == "0", podman("logs", f"{project}_app_1", check=False).stderr
        for _ in range(50):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        from openai import OpenAI
        reply = OpenAI(base_url=f"http://127.0.0.1:{port}/v1", api_key="sk-test").chat.completions.create(
            model="gpt-4o", messages=[{"role": "user", "content": "ping"}])
        assert reply.choices[0].message.content == "pong"
    finally:
        subprocess.run([*compose, "down"], cwd=tmp_path, capture_output=True, timeout=120)
        podman("rmi", "-f", f"localhost/{project}_app", check=False)
