"""The catalog file (specs/catalog/<provider>.toml): [[source]] tables written as text, merged by id."""

from __future__ import annotations

import json
import re
from itertools import pairwise

_BLOCK = re.compile(r"^\[\[source\]\]\n", re.M)
_ID = re.compile(r'^id = "((?:[^"\\]|\\.)*)"$', re.M)
KEYS = ("id", "kind", "provider", "models", "paths", "url", "page")


def source_block(entry: dict) -> str:
    """One [[source]] table, its note (if any) as comment lines first."""
    lines = ["[[source]]"]
    lines += [f"# {line}" for line in entry.get("note", "").splitlines() if line.strip()]
    for key in KEYS:
        if key in entry:
            lines.append(f"{key} = {_value(entry[key])}")
    return "\n".join(lines) + "\n"


def _value(value) -> str:
    """A TOML string or array of strings (JSON's escapes are TOML basic-string escapes)."""
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(json.dumps(str(v), ensure_ascii=False) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


def catalog_text(header: str, blocks: list[str]) -> str:
    """The whole file: a header comment, then the blocks separated by blank lines."""
    head = "".join(f"# {line}\n" for line in header.splitlines())
    return head + "".join("\n" + block for block in blocks)


def split_blocks(text: str) -> list[tuple[str, str]]:
    """(id, block text) of every [[source]] block of a file this module wrote (header dropped)."""
    starts = [m.start() for m in _BLOCK.finditer(text)]
    out = []
    for start, end in pairwise([*starts, len(text)]):
        block = text[start:end].rstrip("\n") + "\n"
        found = _ID.search(block)
        out.append((json.loads(f'"{found.group(1)}"') if found else "", block))
    return out


def merge_blocks(old_text: str, new: list[tuple[str, str]]) -> list[str]:
    """The old file's blocks with those of the same id replaced, new ids appended (for `--model`)."""
    fresh = dict(new)
    merged = [fresh.pop(block_id, block) for block_id, block in split_blocks(old_text)]
    return merged + list(fresh.values())
