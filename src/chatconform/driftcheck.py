"""`make drift`: the latest published specs against the pinned copies, every change classified.

Writes reports/drift-<spec>.json (the `specs diff --json` shape) for `chatconform gate --drift`. A source
that cannot be fetched is one line and the others still run; the exit code is 0 (the gate decides).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from chatconform.errors import ChatconformError
from chatconform.paths import reports_dir
from chatconform.specdiff import diff_documents, to_json
from chatconform.specs import load_catalog
from chatconform.specs._fetch import fetch


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="chatconform-drift")
    parser.add_argument("--mirror", type=Path, default=None)
    args = parser.parse_args(argv)
    catalog = load_catalog()
    out = reports_dir()
    out.mkdir(parents=True, exist_ok=True)
    for source in (s for s in catalog.sources if s.kind == "spec"):
        try:
            latest = json.loads(fetch(source.url, args.mirror))
            pinned = json.loads(catalog.path_of(source).read_bytes())
        except (ChatconformError, OSError, ValueError) as err:
            print(f"{source.id}: not compared ({err})", file=sys.stderr)
            continue
        changes = diff_documents(pinned, latest)
        result = to_json(changes)
        (out / f"drift-{source.id.replace('/', '-')}.json").write_text(json.dumps(result, indent=2))
        breaking = sum(c.breaking for c in changes)
        print(f"{source.id}: {len(changes)} change(s), {breaking} breaking")
        for change in changes[:5]:
            print(f"   {'BREAKING' if change.breaking else 'ok'} {change.kind} {change.path} {change.detail}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
