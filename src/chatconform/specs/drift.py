"""`make drift`: the latest published specs against the pinned copies, every change classified.

Writes reports/drift-<spec>.json (the `specs diff --json` shape) for `chatconform gate --drift`. A source
that cannot be fetched is one line and the others still run; the exit code is 0 (the gate decides).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from chatconform.model.errors import ChatconformError
from chatconform.model.inputs import load_json, parse_json
from chatconform.model.paths import reports_dir, write_atomic
from chatconform.specs import load_catalog
from chatconform.specs._fetch import fetch
from chatconform.specs.diff import diff_documents, print_notes, to_json


def main(argv=None) -> int:
    """Compare every pinned spec with its latest version; 0 unless the catalog or the output fails."""
    parser = argparse.ArgumentParser(prog="chatconform-drift")
    parser.add_argument("--mirror", type=Path, default=None)
    args = parser.parse_args(argv)
    try:
        catalog = load_catalog()
    except ChatconformError as err:
        print(f"chatconform-drift: {err}", file=sys.stderr)
        return 2
    out = reports_dir()
    for source in (s for s in catalog.sources if s.kind == "spec"):
        pinned_name = f"specs/{source.relpath}"
        try:
            latest = parse_json(fetch(source.url, args.mirror), source.url)
            pinned = load_json(catalog.path_of(source), "pinned spec")
            notes: list = []
            changes = diff_documents(pinned, latest, notes=notes, names=(pinned_name, source.url))
        except ChatconformError as err:
            print(f"{source.id}: not compared ({err})", file=sys.stderr)
            continue
        print_notes(notes, {"old": pinned_name, "new": source.url})
        try:
            write_atomic(
                out / f"drift-{source.id.replace('/', '-')}.json",
                json.dumps(to_json(changes), indent=2).encode(),
            )
        except ChatconformError as err:
            print(f"{source.id}: {err}", file=sys.stderr)
            return 2
        breaking = sum(c.breaking for c in changes)
        print(f"{source.id}: {len(changes)} change(s), {breaking} breaking")
        for change in changes[:5]:
            print(f"   {'BREAKING' if change.breaking else 'ok'} {change.kind} {change.path} {change.detail}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
