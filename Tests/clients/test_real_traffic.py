"""The corpus of real recordings (fixtures/traffic/real, issue 20): `understudy validate` gives
each file the verdict expected.json records today, and a replay of the recorded requests against
`understudy serve` is accepted and answered as expected.json records. When validate or serve gets
better, `scripts/real-traffic-figures --write-expected` rewrites expected.json: the one place.

The goals (every current OpenAI exchange valid; 99% of the requests the live API answered 200
accepted; answers at shape parity) are asserted too, as strict expected failures until they hold:
an unexpected pass fails, so whoever meets a goal removes its marker."""
import importlib.machinery
import importlib.util
import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT / "fixtures" / "traffic" / "real"
BINARY = os.environ.get("UNDERSTUDY_BIN", str(ROOT / ".build" / "debug" / "understudy"))
EXPECTED = json.loads((REAL / "expected.json").read_text())


def _figures_module():
    loader = importlib.machinery.SourceFileLoader("real_traffic_figures", str(ROOT / "scripts" / "real-traffic-figures"))
    spec = importlib.util.spec_from_loader(loader.name, loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


FIGURES = _figures_module()


@pytest.fixture(scope="module")
def figures():
    return FIGURES.measure(BINARY, REAL)


def _group(figures, kind, name):
    return next(g for g in figures["groups"] if g["kind"] == kind and g["name"] == name)


def test_every_corpus_file_has_an_expectation():
    files = sorted(str(p.relative_to(REAL)) for p in REAL.rglob("*.jsonl"))
    assert files == sorted(EXPECTED["validate"]), "run scripts/real-traffic-figures --write-expected"


def test_no_credentials_in_the_corpus():
    pattern = FIGURES.re.compile(r"(?<![A-Za-z0-9])sk-[A-Za-z0-9_-]{16,}|Bearer [A-Za-z0-9._-]{8,}|\borg-[A-Za-z0-9]{20,}")
    for path in REAL.rglob("*.jsonl"):
        text = path.read_text(encoding="utf-8")
        assert not pattern.search(text), path
        for line in text.splitlines():
            headers = {h["name"].lower() for h in json.loads(line)["request"]["headers"]}
            assert headers <= {"content-type"}, (path, headers)


@pytest.mark.parametrize("name", sorted(EXPECTED["validate"]))
def test_validate_verdict_per_file(figures, name):
    expected = EXPECTED["validate"][name]
    got = _group(figures, "file", name)
    failing = [e for e in figures["exchanges"] if e["file"] == name and e["findings"]]
    shown = "\n".join(f"  line {e['line']}: {e['findings'][0]}" for e in failing[:5])
    assert got["exchanges"] == expected["exchanges"]
    assert got["exchanges"] - got["valid"] == expected["failing"], f"failing today:\n{shown}"


@pytest.mark.parametrize("source", sorted(EXPECTED["replay"]))
def test_replay_per_source(figures, source):
    got = _group(figures, "source", source)
    assert {k: got[k] for k in EXPECTED["replay"][source]} == EXPECTED["replay"][source]


def test_the_figures_take_seconds(figures):
    # One validate and one server for the whole corpus, never a process per exchange.
    assert figures["seconds"] < 60


# The goals of issue 20, not met today (the lead tightens these after merging the fixes).

@pytest.mark.xfail(strict=True, reason="issue 20: validate rejects genuine OpenAI traffic (expected.json says why)")
def test_goal_all_openai_traffic_validates(figures):
    assert _group(figures, "provider", "openai")["valid"] == _group(figures, "provider", "openai")["exchanges"]


@pytest.mark.xfail(strict=True, reason="issue 20: serve refuses some requests the live API answered 200")
@pytest.mark.parametrize("provider", ["openai", "openrouter"])
def test_goal_serve_accepts_99_percent(figures, provider):
    group = _group(figures, "provider", provider)
    assert group["accepted"] >= 0.99 * group["replayed"]


@pytest.mark.xfail(strict=True, reason="issue 20: the mock's answers miss fields the live API sends, and send output_text")
@pytest.mark.parametrize("provider", ["openai", "openrouter"])
def test_goal_shape_parity(figures, provider):
    assert not [p for p in figures["missing"] if p.startswith(provider + " ")]
    assert not [p for p in figures["extra"] if p.startswith(provider + " ")]


def test_output_text_is_on_the_wire_today(figures):
    """What the parity goal removes: the mock sends the SDK-only `output_text` on Responses, which no
    recording has. The lead inverts this once serve stops sending it."""
    assert figures["extra"].get("openai json output_text", 0) > 0
