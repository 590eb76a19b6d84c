"""Every code block of README.md and docs/*.md is checked, so no paste fails as printed (issue 22).

Each block carries its check on the line before its fence, `<!-- check: KIND [ARGS] -->`; a block
without one, or with an unknown kind, fails `test_every_block_has_a_check`. The kinds:

- `sh`: run by bash (`-e -o pipefail`) with `understudy` on PATH (UNDERSTUDY_BIN), against a fresh
  `understudy serve --port 0` (its embedded defaults) that every `127.0.0.1:8080` and
  `localhost:8080` in the block is pointed at, in a scratch folder holding what the examples name:
  `fixtures/`, `specs/` (links to the repository's), `recordings/` (this server's valid recordings and ten
  of OpenRouter's, real) and `OLD.yaml`/`NEW.yaml` (specs/openai.yaml twice). A command whose
  comment says `# exit N` must exit N; every other must exit 0. `needs=VAR` skips (by name) when VAR
  is unset.
- `python`: run as a script against such a server. `pytest`: run by pytest with the plugin.
- `yaml-scenarios`, `yaml-timing`: `serve --scenarios FILE` / `--timing FILE` must start on it.
- `yaml`, `json`: must parse. `text`: not code (a listing).
- `swift-manifest`: `swift package dump-package` must read it as a Package.swift.
- `swift-example PATH`: a Swift test compiles and runs the same example; every `server.x` and
  `Understudy.x` the block uses must be used there.
- `not-here REASON`: cannot run here (a container engine, PyPI, a release download, a real
  provider's key, a build of its own); the reason is printed by `test_blocks_that_cannot_run_here`.
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
BINARY = Path(os.environ.get("UNDERSTUDY_BIN", str(ROOT / ".build" / "debug" / "understudy"))).resolve()
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
KINDS = {"sh", "python", "pytest", "yaml-scenarios", "yaml-timing", "yaml", "json", "text",
         "swift-manifest", "swift-example", "not-here"}
# Pages whose blocks need what no test here has (issue 22, items 1-2): a container engine and the
# published image, PyPI, a GitHub release. Their own tests run what can run; a block there with a
# `<!-- check: … -->` marker of its own is checked as any other.
NOT_HERE_PAGES = {
    "docs/container.md": "a container engine and the published image; Tests/downloads/test_recipes.py runs the "
                         "blocks marked <!-- recipe: … --> under podman, Tests/downloads/test_image.py the image",
    "docs/downloads.md": "a published GitHub release or PyPI; scripts/test-release checks the archive and the wheel, "
                         "Tests/downloads/test_action.py the GitHub Action",
}
MARKER = re.compile(r"^<!-- check: ([\w-]+)(?:[: ]\s*(.*?))? -->$")


@dataclass
class Block:
    page: Path
    line: int
    language: str
    text: str
    kind: str | None
    argument: str

    @property
    def name(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def blocks() -> list[Block]:
    found = []
    for page in PAGES:
        lines = page.read_text().split("\n")
        i = 0
        while i < len(lines):
            fence = re.match(r"^\s*```(\S*)$", lines[i])
            if fence:
                end = next(j for j in range(i + 1, len(lines)) if lines[j].strip() == "```")
                marker = MARKER.match(lines[i - 1].strip()) if i else None
                kind, argument = (marker.group(1), marker.group(2) or "") if marker else (None, "")
                if not marker and str(page.relative_to(ROOT)) in NOT_HERE_PAGES:
                    kind, argument = "not-here", NOT_HERE_PAGES[str(page.relative_to(ROOT))]
                found.append(Block(page, i + 1, fence.group(1), "\n".join(lines[i + 1:end]) + "\n", kind, argument))
                i = end
            i += 1
    return found


ALL = blocks()


def of_kind(*kinds):
    return [pytest.param(b, id=b.name) for b in ALL if b.kind in kinds]


def test_every_block_has_a_check():
    unchecked = [f"{b.name} ({b.kind or 'no <!-- check: … --> line before its fence'})"
                 for b in ALL if b.kind not in KINDS]
    assert not unchecked, "blocks without a check:\n" + "\n".join(unchecked)
    assert len(ALL) > 20, "the extractor found too few blocks"


def test_blocks_that_cannot_run_here():
    """The blocks no test here can run, each with why (printed with -rA or -s)."""
    skipped = [b for b in ALL if b.kind == "not-here"]
    for block in skipped:
        assert len(block.argument) > 20, f"{block.name}: say why it cannot run here"
        print(f"{block.name}: {block.argument}")
    ours = [b for b in ALL if str(b.page.relative_to(ROOT)) not in NOT_HERE_PAGES]
    assert sum(b.kind == "not-here" for b in ours) < len(ours) / 3, "most blocks must run"


class Server:
    """`understudy serve --port 0` with its embedded defaults, for one block."""

    def __init__(self, *options):
        self.process = subprocess.Popen([BINARY, "serve", "--port", "0", *options],
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        if not line.startswith("Understudy listening on "):
            self.process.kill()
            raise AssertionError(f"serve {' '.join(options)} did not start: {line}{self.process.stderr.read()}")
        self.address = line.removeprefix("Understudy listening on http://").strip()

    def point(self, text: str) -> str:
        return text.replace("127.0.0.1:8080", self.address).replace("localhost:8080", self.address)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


def scratch(tmp_path: Path) -> Path:
    """A folder with what the examples name, and `understudy` on PATH."""
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "understudy").symlink_to(BINARY)
    for name in ("fixtures", "specs"):
        (tmp_path / name).symlink_to(ROOT / name)
    recordings = tmp_path / "recordings"
    recordings.mkdir()
    shutil.copy(ROOT / "fixtures/traffic/valid/understudy.jsonl", recordings / "openai.jsonl")
    # OpenRouter's: the first ten recorded exchanges of one project, which its contract passes.
    real = (ROOT / "fixtures/traffic/real/openrouter/chat/pydantic-ai.jsonl").read_text().splitlines()
    (recordings / "openrouter").mkdir()
    (recordings / "openrouter" / "chat.jsonl").write_text("\n".join(real[:10]) + "\n")
    for name in ("OLD.yaml", "NEW.yaml"):
        shutil.copy(ROOT / "specs/openai.yaml", tmp_path / name)
    return tmp_path


def expecting_exits(script: str) -> str:
    """`CMD  # exit N…` becomes a command that fails unless CMD exits N (bash -e would stop at it);
    a command continued over lines (`\\`) carries the comment on its last."""
    commands, pending = [], ""
    for line in script.split("\n"):
        pending += line
        if line.endswith("\\"):
            pending += "\n"
            continue
        commands.append(pending)
        pending = ""
    out = []
    for number, command in enumerate(commands, 1):
        want = re.match(r"^(.*\S)\s+# exit (\d+)\b", command, re.DOTALL)
        if want:
            command = (f"__s=0; {want.group(1)} || __s=$?; [ \"$__s\" = {want.group(2)} ] || "
                       f"{{ echo \"command {number}: exit $__s, not {want.group(2)}\" >&2; exit 99; }}")
        out.append(command)
    return "\n".join(out)


def run(command, cwd, timeout=180):
    """Runs in a process group of its own, ended afterwards: a block's servers started with `&`
    never outlive it (they held its fixed ports against the next run)."""
    env = {**os.environ, "PATH": f"{cwd}/bin:{os.environ['PATH']}"}
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        stdout, stderr = "", f"timed out after {timeout} s"
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait()
    assert process.returncode == 0, f"exit {process.returncode}\n{stdout[-3000:]}\n{stderr[-3000:]}"
    return stdout


@pytest.mark.parametrize("block", of_kind("sh"))
def test_sh_block(block, tmp_path):
    for variable in re.findall(r"needs=(\w+)", block.argument):
        if not os.environ.get(variable):
            pytest.skip(f"{variable} is not set")
    cwd = scratch(tmp_path)
    server = Server()
    try:
        # A failing command (bash -e) ends the servers the block started with `&` too.
        script = "trap '__rc=$?; kill $(jobs -p) 2>/dev/null || true; exit $__rc' EXIT\n" + expecting_exits(server.point(block.text))
        run(["bash", "-e", "-o", "pipefail", "-c", script], cwd)
    finally:
        server.stop()


@pytest.mark.parametrize("block", of_kind("python"))
def test_python_block(block, tmp_path):
    server = Server()
    try:
        (tmp_path / "bin").mkdir()
        (tmp_path / "example.py").write_text(server.point(block.text))
        run([sys.executable, "example.py"], tmp_path)
    finally:
        server.stop()


@pytest.mark.parametrize("block", of_kind("pytest"))
def test_pytest_block(block, tmp_path):
    (tmp_path / "bin").mkdir()
    (tmp_path / "test_example.py").write_text(block.text)
    from importlib.metadata import entry_points
    installed = any(e.name == "understudy" for e in entry_points(group="pytest11"))
    plugin = [] if installed else ["-p", "understudy_pytest.plugin"]
    env = {"PYTHONPATH": str(ROOT / "python"), "UNDERSTUDY_BIN": str(BINARY)}
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *plugin, "test_example.py"],
                            cwd=tmp_path, env={**os.environ, **env}, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert " passed" in result.stdout.splitlines()[-1] and "failed" not in result.stdout.splitlines()[-1]


@pytest.mark.parametrize("block", of_kind("yaml-scenarios", "yaml-timing"))
def test_yaml_a_server_loads(block, tmp_path):
    path = tmp_path / "block.yaml"
    path.write_text(block.text)
    Server("--scenarios" if block.kind == "yaml-scenarios" else "--timing", str(path)).stop()


@pytest.mark.parametrize("block", of_kind("yaml", "json"))
def test_data_block_parses(block):
    if block.kind == "json":
        assert json.loads(block.text)
    else:
        assert all(document for document in yaml.safe_load_all(block.text))


@pytest.mark.parametrize("block", of_kind("swift-manifest"))
def test_swift_manifest_block(block, tmp_path):
    if not shutil.which("swift"):
        pytest.fail("swift is not on PATH")
    app = tmp_path / "MyApp"
    app.mkdir()
    (app / "Package.swift").write_text(block.text)
    (tmp_path / "bin").mkdir()
    assert json.loads(run(["swift", "package", "dump-package"], app, timeout=300))["name"] == "MyApp"


@pytest.mark.parametrize("block", of_kind("swift-example"))
def test_swift_example_block(block):
    test = (ROOT / block.argument).read_text()
    used = set(re.findall(r"\b((?:server|Understudy)\.\w+)", block.text))
    assert used, "the example uses no server API"
    missing = sorted(name for name in used if name not in test)
    assert not missing, f"{block.argument} does not use {missing}: the example may not compile"


def test_readme_is_short_and_starts_with_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    assert len(readme.splitlines()) < 200
    first = next(b for b in ALL if b.page.name == "README.md")
    commands = [line.split("#")[0].strip() for line in first.text.splitlines() if line.strip()]
    assert commands == ["swift run understudy serve", "scripts/test"]
    assert "## Contents" in readme
    for page in sorted((ROOT / "docs").glob("*.md")):
        assert f"(docs/{page.name})" in readme, f"the README does not link docs/{page.name}"


def test_local_links_resolve():
    """Every link from README.md and docs/ to a file of the repository, or to a heading of the same
    page, finds it (sections moved between pages left links behind)."""
    broken = []
    for page in PAGES:
        text = page.read_text()
        slugs = {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-")
                 for h in re.findall(r"^#+ (.*)$", text, re.MULTILINE)}
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"^[a-z]+:", target):
                continue
            path, _, anchor = target.partition("#")
            if not path:
                if anchor not in slugs:
                    broken.append(f"{page.relative_to(ROOT)}: #{anchor}")
                continue
            resolved = (page.parent / path).resolve()
            if not resolved.exists():
                broken.append(f"{page.relative_to(ROOT)}: {target}")
    assert not broken, broken
