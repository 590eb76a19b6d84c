"""The release archive scripts/release packs into dist/: what it holds, that the binary links no
Swift library, and that, unpacked, it serves with Swift's libraries out of reach.

Without an archive these are skipped (scripts/release builds one); .ci/run builds it and sets
UNDERSTUDY_REQUIRE_RELEASE=1, and then a missing archive fails.
"""
import json
import os
import re
import shutil
import subprocess
import tarfile
import threading
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SWIFT_LIBRARY = re.compile(r"libswift|libFoundation|lib_Foundation|libdispatch|libBlocksRuntime|/swift/|not found")


def release_archive() -> Path:
    found = sorted((ROOT / "dist").glob("understudy-*-linux-x86_64.tar.gz"))
    if found:
        return found[-1]
    if os.environ.get("UNDERSTUDY_REQUIRE_RELEASE") == "1":
        pytest.fail("no dist/understudy-*-linux-x86_64.tar.gz, though UNDERSTUDY_REQUIRE_RELEASE=1: scripts/release did not make it")
    pytest.skip("no release archive in dist/ (scripts/release builds it)")


@pytest.fixture(scope="module")
def unpacked(tmp_path_factory) -> Path:
    archive = release_archive()
    into = tmp_path_factory.mktemp("release")
    with tarfile.open(archive) as tar:
        if hasattr(tarfile, "data_filter"):
            tar.extractall(into, filter="data")
        else:
            tar.extractall(into)
    return into / archive.name.removesuffix(".tar.gz")


def test_the_archive_holds_the_binary_readme_and_license(unpacked):
    assert sorted(p.name for p in unpacked.iterdir()) == ["LICENSE", "README.md", "understudy"]
    assert os.access(unpacked / "understudy", os.X_OK)
    assert "Apache License" in (unpacked / "LICENSE").read_text()


def test_the_binary_says_its_version_and_commit(unpacked):
    printed = subprocess.run([unpacked / "understudy", "--version"], capture_output=True, text=True, check=True).stdout
    version = unpacked.name.removeprefix("understudy-").removesuffix("-linux-x86_64")
    assert re.fullmatch(rf"understudy {re.escape(version)} \((unknown commit|[0-9a-f]{{7,}}(-dirty)?)\)\n", printed), printed


def test_ldd_lists_no_swift_library(unpacked):
    listed = subprocess.run(["ldd", unpacked / "understudy"], capture_output=True, text=True, check=True).stdout
    print(listed)
    assert not SWIFT_LIBRARY.search(listed), listed


def swift_toolchain() -> Path | None:
    """The toolchain directory holding Swift's shared libraries (/opt/swift for /opt/swift/usr/bin/swift)."""
    swift = shutil.which("swift")
    return Path(swift).resolve().parents[2] if swift else None


def out_of_reach(command: list[str]) -> tuple[list[str], str]:
    """`command` under `env -i PATH=/usr/bin:/bin` and, where a private mount namespace is allowed
    (root), with an empty tmpfs over the Swift toolchain, so no Swift library can be loaded."""
    bare = ["env", "-i", "PATH=/usr/bin:/bin", *map(str, command)]
    toolchain = swift_toolchain()
    if toolchain is None:
        return bare, "env -i (no Swift toolchain on this machine)"
    probe = subprocess.run(["unshare", "-m", "sh", "-c", f"mount -t tmpfs none '{toolchain}'"], capture_output=True)
    if probe.returncode != 0:
        return bare, f"env -i only: unshare -m is not allowed here, {toolchain} stays readable"
    script = 'mount -t tmpfs none "$0" && ! ls "$0"/usr/lib/swift >/dev/null 2>&1 && exec "$@"'
    return ["unshare", "-m", "sh", "-c", script, str(toolchain), *bare], f"env -i, {toolchain} hidden under an empty tmpfs"


def test_the_unpacked_binary_serves_with_swift_out_of_reach(unpacked, tmp_path):
    argv, how = out_of_reach([unpacked / "understudy", "serve", "--port", "0", "--clock", "2025-07-01T00:00:00Z"])
    print(f"running {unpacked / 'understudy'} with {how}")
    log = open(tmp_path / "stderr", "w+")
    server = subprocess.Popen(argv, cwd=tmp_path, stdout=subprocess.PIPE, stderr=log, text=True)
    try:
        ready = threading.Timer(30, server.kill)
        ready.start()
        line = server.stdout.readline()
        ready.cancel()
        assert line.startswith("Understudy listening on "), (line, (tmp_path / "stderr").read_text())
        url = line.split()[-1]
        with urllib.request.urlopen(url + "/v1/models", timeout=30) as response:
            assert response.status == 200
            models = json.loads(response.read())
        assert models["object"] == "list" and any(m["id"] == "gpt-4o" for m in models["data"])
        request = urllib.request.Request(url + "/v1/chat/completions", method="POST", headers={"content-type": "application/json"},
                                         data=b'{"model":"gpt-4o","messages":[{"role":"user","content":"Hello"}]}')
        with urllib.request.urlopen(request, timeout=30) as response:
            assert json.loads(response.read())["choices"][0]["message"]["content"]
    finally:
        server.terminate()
        status = server.wait(timeout=30)
        log.close()
    assert status == 0, (tmp_path / "stderr").read_text()
