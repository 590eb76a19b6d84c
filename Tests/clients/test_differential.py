"""Differential test: Understudy's validator against Python `jsonschema` (Draft 2020-12).

Seeded, so every run checks the same instances: for every schema of specs/openai.yaml and 65
sampled from the official OpenAI document, 5 generated and 15 mutated instances each; both
validators judge every one, and their verdicts must agree.

Documented OpenAPI-versus-JSON-Schema differences, applied to the schemas handed to `jsonschema`
so that both sides mean the same thing:
- `nullable: true` (OpenAPI 3.0): with a `type`, null joins the types; without one, "or null".
- boolean `exclusiveMinimum`/`exclusiveMaximum` (3.0) become 2020-12's numeric form.
- `$recursiveRef: "#"` (2019-09, unknown to a 2020-12 validator) is a `$ref` to the nearest
  enclosing schema with `$recursiveAnchor: true`: OpenAPI components are not schema resources.
- `items: [...]` (draft-04 tuples) becomes `prefixItems`.
- formats are annotations on both sides (`--no-formats`; jsonschema's default).
"""
import copy
import json
import os
import random
import subprocess
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

ROOT = Path(__file__).resolve().parents[2]
# The official document comes in through UNDERSTUDY_OPENAPI_DOCUMENT (never copied into the repository).
OFFICIAL = Path(os.environ["UNDERSTUDY_OPENAPI_DOCUMENT"]) if os.environ.get("UNDERSTUDY_OPENAPI_DOCUMENT") else None
OURS = ROOT / "specs" / "openai.yaml"
SEED = 20261121


def for_json_schema(node, anchors=()):
    """The document with OpenAPI's dialect turned into plain 2020-12 (see the module docstring)."""
    if isinstance(node, list):
        return [for_json_schema(item, anchors) for item in node]
    if not isinstance(node, dict):
        return node
    node = dict(node)
    pointer = node.pop("__pointer__", None)
    if node.get("$recursiveAnchor") is True and pointer is not None:
        anchors = anchors + (pointer,)
    if "$recursiveRef" in node:
        node.pop("$recursiveRef")
        node["$ref"] = "#" + anchors[-1] if anchors else "#"
    node = {k: for_json_schema(v, anchors) for k, v in node.items()}
    if isinstance(node.get("items"), list):
        node["prefixItems"] = node.pop("items")
    for bound, flag in (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")):
        if isinstance(node.get(flag), bool):
            if node.pop(flag) and bound in node:
                node[flag] = node.pop(bound)
    if node.pop("nullable", False) is True:
        if "type" in node:
            types = node["type"] if isinstance(node["type"], list) else [node["type"]]
            node["type"] = types + (["null"] if "null" not in types else [])
        else:
            node = {"anyOf": [{"type": "null"}, node]}
    return node


def with_pointers(node, pointer=""):
    """Marks each mapping with its JSON pointer (for $recursiveRef's anchors)."""
    if isinstance(node, dict):
        out = {k: with_pointers(v, f"{pointer}/{k.replace('~', '~0').replace('/', '~1')}") for k, v in node.items()}
        out["__pointer__"] = pointer
        return out
    if isinstance(node, list):
        return [with_pointers(v, f"{pointer}/{i}") for i, v in enumerate(node)]
    return node


def resolve(document, pointer):
    node = document
    for token in pointer.lstrip("#").split("/")[1:]:
        token = token.replace("~1", "/").replace("~0", "~")
        node = node[int(token)] if isinstance(node, list) else node[token]
    return node


class Generator:
    """Makes plausible instances of a schema (not always valid: both validators judge them)."""

    def __init__(self, document, rng):
        self.document = document
        self.rng = rng

    def value(self, schema, depth=0):
        rng = self.rng
        if not isinstance(schema, dict):
            return None if schema is False else {}
        if "$ref" in schema and isinstance(schema["$ref"], str) and schema["$ref"].startswith("#"):
            return self.value(resolve(self.document, schema["$ref"]), depth + 1) if depth < 12 else None
        if "const" in schema:
            return copy.deepcopy(schema["const"])
        if "enum" in schema and schema["enum"]:
            return copy.deepcopy(rng.choice(schema["enum"]))
        for key in ("anyOf", "oneOf"):
            if schema.get(key):
                return self.value(rng.choice(schema[key]), depth + 1)
        if schema.get("allOf"):
            parts = [self.value(part, depth + 1) for part in schema["allOf"]]
            if all(isinstance(p, dict) for p in parts):
                merged = {}
                for p in parts:
                    merged.update(p)
                return merged
            return parts[0]
        kind = schema.get("type")
        if isinstance(kind, list):
            kind = rng.choice([k for k in kind if k != "null"] or ["null"])
        if kind is None:
            kind = "object" if "properties" in schema else rng.choice(["string", "integer", "object"])
        if kind == "object":
            out = {}
            required = set(schema.get("required", []))
            for name, sub in (schema.get("properties") or {}).items():
                if name in required or (depth < 4 and rng.random() < 0.4):
                    out[name] = self.value(sub, depth + 1)
            return out
        if kind == "array":
            low = schema.get("minItems", 0)
            count = min(max(low, rng.randint(0, 2)), schema.get("maxItems", 3))
            items = schema.get("items", {})
            return [self.value(items, depth + 1) for _ in range(count if depth < 6 else low)]
        if kind == "string":
            text = rng.choice(["hello", "gpt-4o", "user", "2025-01-01", "a b c", "x"])
            low, high = schema.get("minLength", 0), schema.get("maxLength", 64)
            text = (text * (1 + low // max(1, len(text))))[: max(low, min(high, len(text)))]
            return text
        if kind in ("integer", "number"):
            low = schema.get("minimum", schema.get("exclusiveMinimum", -5))
            high = schema.get("maximum", schema.get("exclusiveMaximum", 100))
            low = low if isinstance(low, (int, float)) and not isinstance(low, bool) else -5
            high = high if isinstance(high, (int, float)) and not isinstance(high, bool) else 100
            value = rng.uniform(low, high) if kind == "number" else rng.randint(int(max(low, -1e6)), int(min(high, 1e6)))
            return round(value, 2) if kind == "number" else value
        if kind == "boolean":
            return rng.random() < 0.5
        return None

    def mutate(self, instance):
        """A copy with one thing broken (or, sometimes, harmlessly changed)."""
        rng = self.rng
        target = copy.deepcopy(instance)
        containers = []

        def walk(node):
            if isinstance(node, dict):
                containers.append(node)
                for v in node.values():
                    walk(v)
            elif isinstance(node, list):
                containers.append(node)
                for v in node:
                    walk(v)

        walk(target)
        replacements = [12345, -1e9, 1e9, 2.5, "mutated", "", None, True, [], {}, [1, "two"], {"zz": 1}]
        if not containers:
            return rng.choice(replacements)
        node = rng.choice(containers)
        if isinstance(node, dict):
            action = rng.choice(["replace", "delete", "add"] if node else ["add"])
            if action == "add":
                node["zz_unknown"] = rng.choice(replacements)
            else:
                key = rng.choice(list(node))
                if action == "delete":
                    del node[key]
                else:
                    node[key] = rng.choice(replacements)
        elif node:
            i = rng.randrange(len(node))
            if rng.random() < 0.3:
                del node[i]
            else:
                node[i] = rng.choice(replacements)
        else:
            node.append(rng.choice(replacements))
        return target


def cases(document, names, rng):
    generator = Generator(document, rng)
    for name in names:
        schema = document["components"]["schemas"][name]
        generated = [generator.value(schema) for _ in range(5)]
        mutated = [generator.mutate(rng.choice(generated)) for _ in range(15)]
        for instance in generated + mutated:
            yield f"/components/schemas/{name}", instance


def understudy_verdicts(spec, lines):
    binary = os.environ.get("UNDERSTUDY_BIN", str(ROOT / ".build" / "debug" / "understudy"))
    result = subprocess.run(
        [binary, "spec", "check", str(spec), "--no-formats"],
        input="\n".join(json.dumps({"schema": s, "instance": i}) for s, i in lines) + "\n",
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode in (0, 1), result.stderr
    verdicts = result.stdout.splitlines()
    assert len(verdicts) == len(lines)
    return verdicts


def differences(spec_path, names, rng):
    raw = yaml.load(spec_path.read_text(), Loader=yaml.CSafeLoader)
    document = for_json_schema(with_pointers(raw))
    registry = Registry().with_resource("urn:doc", Resource.from_contents(document, default_specification=DRAFT202012))
    lines = list(cases(raw, names, rng))
    ours = understudy_verdicts(spec_path, lines)
    disagreements, valid = [], 0
    for (pointer, instance), verdict in zip(lines, ours):
        validator = Draft202012Validator({"$ref": "urn:doc#" + pointer}, registry=registry)
        theirs = validator.is_valid(instance)
        valid += theirs
        if theirs != verdict.startswith("valid"):
            disagreements.append((pointer, json.dumps(instance)[:300], verdict, theirs))
    return len(lines), valid, disagreements


def test_verdicts_agree_with_jsonschema():
    """Always on every schema of specs/openai.yaml; with UNDERSTUDY_OPENAPI_DOCUMENT, on a sample
    of the official document's schemas too."""
    rng = random.Random(SEED)
    ours_names = list(yaml.load(OURS.read_text(), Loader=yaml.CSafeLoader)["components"]["schemas"])
    specs = [(OURS, ours_names)]
    if OFFICIAL:
        official = yaml.load(OFFICIAL.read_text(), Loader=yaml.CSafeLoader)["components"]["schemas"]
        names = sorted(official)
        wanted = max(65, 100 - len(ours_names))
        specs.append((OFFICIAL, names[:: max(1, len(names) // wanted)][:wanted]))
    total = 0
    problems = []
    for spec, chosen in specs:
        count, valid, disagreements = differences(spec, chosen, rng)
        print(f"{spec.name}: {count} instances ({valid} valid, {count - valid} invalid), {len(disagreements)} disagreements")
        total += count
        problems += disagreements
    assert total >= (2000 if OFFICIAL else 1200), total
    assert not problems, "\n".join(f"{p}: {i}\n  understudy: {v}\n  jsonschema valid: {t}" for p, i, v, t in problems[:10])
