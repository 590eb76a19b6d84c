"""The `understudy` command line as a newcomer meets it (issue 22, item 4): examples in every help,
serve's general options first, one style for value lists, an unknown command named as one, usage
errors exiting 2 as documented, an empty path named with its flag."""
import os
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BINARY = os.environ.get("UNDERSTUDY_BIN", str(ROOT / ".build" / "debug" / "understudy"))
VALID = str(ROOT / "fixtures" / "traffic" / "valid" / "understudy.jsonl")
COMMANDS = [[], ["serve"], ["validate"], ["conform"], ["proxy"], ["spec"], ["spec", "lint"], ["spec", "check"],
            ["spec", "diff"], ["health"]]


def understudy(*args, timeout=60):
    return subprocess.run([BINARY, *args], capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)


def flat(text):
    """Help text with its wrapping undone."""
    return " ".join(text.split())


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "understudy")
def test_every_help_has_examples(command):
    result = understudy(*command, "--help")
    assert result.returncode == 0, result.stderr
    assert "Examples:" in result.stdout
    paragraph = result.stdout.split("Examples:\n")[1].split("\n\n")[0].splitlines()
    # Each example on a line of its own within 80 columns (a wrapped one starts at column 0).
    assert all(line.startswith("  ") for line in paragraph), paragraph
    prefix = " ".join(["understudy", *command])
    assert any(line.strip().startswith(prefix) for line in paragraph), paragraph
    assert "Exit status: 0" in flat(result.stdout) or command in (["validate"], ["spec"]), "say the exit status"


def test_serve_help_lists_general_options_first_and_redis_last():
    help = understudy("serve", "--help").stdout
    sections = re.findall(r"^([A-Z][A-Z ()]+):$", help, re.MULTILINE)
    assert sections[:4] == ["GENERAL", "ANSWERS", "SERVER", "SHARED STATE (REPLICAS)"], sections
    help = help[help.index("GENERAL:"):]
    assert help.index("--host") < help.index("--fixtures") < help.index("--timing") < help.index("--state ")
    assert help.index("--state-failure") > help.index("--shutdown-grace")


def test_value_lists_have_one_style():
    """`(values: a, b; default: x)` everywhere: ArgumentParser's own for enumerations, the same
    words by hand where a value may also be free (a file, an instant, a URL)."""
    for command in COMMANDS:
        help = flat(understudy(*command, "--help").stdout)
        for values in re.findall(r"\(values:[^)]*\)", help):
            assert re.fullmatch(r"\(values: [^;]+(; default: [^;]+)?\)", values), (command, values)
        assert not re.search(r"<[a-z-]+\|", help), (command, "a value list in a value name")
        assert not re.search(r"\b(text, json or junit|warn or off|openrouter or aim)", help), command
    serve = flat(understudy("serve", "--help").stdout)
    for expected in ("(values: openai, openrouter, aimlapi; default: openai)",
                     "(values: strict, warn, off; default: strict)",
                     "(values: off, realistic, FILE; default: off)",
                     "(values: catalog, open, open=ID; default: catalog)",
                     "(values: trace, debug, info, notice, warning, error, critical; default: info)",
                     "(values: memory, redis://HOST:PORT[/DB]; default: memory)",
                     "(values: closed, open; default: closed)"):
        assert expected in serve, expected
    assert "(values: text, json, junit; default: text)" in flat(understudy("validate", "--help").stdout)


def test_unknown_command_says_so_and_lists_the_commands():
    result = understudy("srve")
    assert result.returncode == 2, result.stderr
    assert "understudy: unknown command 'srve' (did you mean 'serve'?)" in result.stderr
    for name in ("serve", "spec", "validate", "conform", "proxy"):
        assert name in result.stderr.split("\n", 1)[1]
    far = understudy("frobnicate")
    assert far.returncode == 2 and "unknown command 'frobnicate'" in far.stderr and "did you mean" not in far.stderr
    nested = understudy("spec", "lnt", "specs/openai.yaml")
    assert nested.returncode == 2
    assert nested.stderr.startswith("understudy spec: unknown command 'lnt' (did you mean 'lint'?)\n"), nested.stderr
    assert "The commands: lint, check, diff." in nested.stderr


def test_usage_errors_exit_two_as_documented():
    for args in (["serve", "--port", "70000"], ["serve", "--no-such-option"], ["serve", "--clock", "yesterday"],
                 ["serve", "--flavor", "acme"], ["validate"], ["conform"], ["proxy"], ["spec", "diff", "a.yaml"]):
        result = understudy(*args)
        assert result.returncode == 2, (args, result.returncode, result.stderr)
        assert "Usage:" in result.stderr or "Error:" in result.stderr, (args, result.stderr)


def test_commands_and_options_still_parse():
    assert understudy("--version").returncode == 0
    assert understudy("help", "validate").returncode == 0
    assert understudy("validate", VALID).returncode == 0
    assert understudy("spec", "lint", "--quiet", str(ROOT / "specs" / "openai.yaml")).returncode == 0


@pytest.mark.parametrize("args", [
    ["validate", "--spec", "", VALID],
    ["serve", "--spec", ""],
    ["conform", "--base-url", "http://127.0.0.1:9/v1", "--spec", ""],
    ["proxy", "--upstream", "http://127.0.0.1:9", "--spec", ""],
], ids=["validate", "serve", "conform", "proxy"])
def test_an_empty_spec_names_the_flag_and_the_unset_variable(args):
    """`--spec "$UNDERSTUDY_OPENAPI_DOCUMENT"` with the variable unset said `:1:1: cannot read the file`."""
    result = understudy(*args)
    assert result.returncode == 2, result.stderr
    assert "--spec is empty" in result.stderr and "not set" in result.stderr, result.stderr
    assert ":1:1" not in result.stderr


def test_empty_paths_elsewhere_are_named():
    assert "A recording's path is empty" in understudy("validate", "").stderr
    assert "--fixtures is empty" in understudy("serve", "--fixtures", "").stderr
    assert "A document's path is empty" in understudy("spec", "lint", "").stderr


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_scripts_are_generated(shell):
    result = understudy("--generate-completion-script", shell)
    assert result.returncode == 0, result.stderr
    assert "understudy" in result.stdout and "validate" in result.stdout and "state-failure" in result.stdout
