"""Canaries (distinct fake keys) in every encoding a hostile server or file may use; the scan for them."""

from __future__ import annotations

import base64
import json
import uuid
from pathlib import Path
from urllib.parse import quote


def canary(place: str) -> str:
    """A fresh fake key, unique per run (an old file can never match), with the `+/` of base64-alphabet keys
    (Azure's), so its URL-encoded form differs from it."""
    return f"cc-canary-{place}-{uuid.uuid4().hex[:20]}+k/{uuid.uuid4().hex[:6]}"


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def encodings(key: str) -> dict[str, str]:
    """Every form of a key this suite must never write: as sent, base64 alone and as HTTP Basic carries it
    (`user:key`), URL-encoded, JSON-escaped (with the `\\/` some encoders write, and every letter a `\\u`
    escape, which a JSON parser reads back as the key)."""
    escaped = json.dumps(key)[1:-1]
    return {
        "raw": key,
        "base64": b64(key),
        "basic": b64(f"user:{key}"),
        "url": quote(key, safe=""),
        "json": escaped,
        "json-slash": escaped.replace("/", "\\/"),
        "json-unicode": unicode_escaped(key),
    }


def unicode_escaped(text: str) -> str:
    """Every character as a JSON \\u escape (what a JSON text may hold for a plain ASCII key)."""
    return "".join(f"\\u{ord(c):04x}" for c in text)


def leaks(root: Path, keys: dict[str, str], printed: str = "", skip=()) -> dict[str, list[str]]:
    """{file (or '(printed)'): ['place/encoding', ...]} for every encoding of every key found below root."""
    forms = {
        f"{place}/{name}": text.encode()
        for place, key in keys.items()
        for name, text in encodings(key).items()
    }
    found: dict[str, list[str]] = {}
    files = [p for p in sorted(root.rglob("*")) if p.is_file() and p not in skip]
    for path in files:
        data = path.read_bytes()
        hits = sorted({label for label, form in forms.items() if form in data})
        if hits:
            found[str(path.relative_to(root))] = hits
    said = sorted({label for label, form in forms.items() if form.decode() in printed})
    return {**found, **({"(printed)": said} if said else {})}


def files_below(root: Path) -> set[str]:
    """Names of every file below root (what the commands wrote)."""
    return {p.name for p in root.rglob("*") if p.is_file()}


def live_suite_args(tmp_path: Path, root: Path, mode: str, url: str, outputs: dict[str, Path]) -> list[str]:
    """`python` arguments of a plugin run in `mode` (live or record) against `url`, on an empty suite under
    tmp_path/root, its pytest cache in tmp_path, writing results, Allure results and junit where `outputs`
    says."""
    return [
        "-m",
        "pytest",
        str(tmp_path / "root" / "cassettes"),
        "-q",
        "--rootdir",
        str(root),
        "-c",
        str(root / "pyproject.toml"),
        "-o",
        f"cache_dir={tmp_path / 'pytest-cache'}",
        "--mode",
        mode,
        "--base-url",
        f"{url}/v1",
        "--model",
        "m",
        f"--results={outputs['results']}",
        f"--alluredir={outputs['allure']}",
        f"--junitxml={outputs['junit']}",
    ]
