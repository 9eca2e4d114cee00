"""Scanning files for secrets that must not be there (canaries, the keys of a run)."""

from __future__ import annotations

from pathlib import Path


def scan_for(secrets, paths) -> list[tuple[str, str]]:
    """(file, secret) for every secret value found in the files (folders are searched recursively)."""
    found = []
    values = [s for s in secrets if s]
    for root in map(Path, paths):
        files = (
            [root] if root.is_file() else [p for p in root.rglob("*") if p.is_file()] if root.is_dir() else []
        )
        for path in files:
            data = path.read_bytes()
            found += [(str(path), s) for s in values if s.encode() in data]
    return found
