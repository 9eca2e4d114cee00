"""reports/interop/llama-server.json, and how a run's findings compare with the known set."""

import json

from chatconform.model.paths import reports_dir, write_atomic
from tools.scan import scan_for

SUBJECT = "llama.cpp llama-server (not ours), model SmolLM2-135M-Instruct Q4_1, on loopback"


class Report:
    """reports/interop/llama-server.json: each test fills its section; the file is rewritten after each."""

    def __init__(self, key: str):
        self.key = key
        self.data = {"subject": SUBJECT, "contract": "openai-compatible (OpenAI's published spec)"}
        self.path = reports_dir() / "interop" / "llama-server.json"

    def section(self, name: str, value, findings: dict[str, str]) -> None:
        """Set a section and the server findings it showed ({finding: explanation or 'NEW'})."""
        self.data[name] = value
        self.data.setdefault("findings", {}).update(findings)
        self.data["findings"] = dict(sorted(self.data["findings"].items()))
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(self.path, (json.dumps(self.data, indent=2, default=str) + "\n").encode())
        assert scan_for([self.key], [self.path]) == []


def explain(shown: set[str], known: dict[str, str]) -> dict[str, str]:
    """Each finding shown with its recorded explanation; one not recorded reads NEW."""
    return {f: known.get(f, "NEW: not in the known set of this test") for f in sorted(shown)}


def intermittent_apart(deviations: dict, intermittent: dict) -> tuple[set[str], dict[str, str]]:
    """(the deviations a run must match exactly, {intermittent one shown: why}): an intermittent key counts
    as intermittent only while its findings carry its one known message ({key: (why, message)})."""
    steady, sometimes = set(), {}
    for key, seen in deviations.items():
        if key in intermittent and {f["message"] for f in seen.findings} == {intermittent[key][1]}:
            sometimes[key] = intermittent[key][0]
        else:
            steady.add(key)
    return steady, sometimes


def difference(shown: set[str], known: dict[str, str]) -> str:
    """What changed against the known set, as a failure message."""
    new, gone = sorted(shown - set(known)), sorted(set(known) - shown)
    return (
        "llama-server's findings changed (update the known set with an explanation):\n"
        + "".join(f"  new:   {f}\n" for f in new)
        + "".join(f"  fixed: {f}\n" for f in gone)
    )


def summary(title: str, section: dict, width: int) -> str:
    """One line per request of a section: its status, verdict and the server's findings."""
    lines = [f"findings of llama-server per {title}:"]
    for name, result in section.items():
        lines.append(
            f"  {name:{width}} {result['status']} {result['verdict']:5} "
            f"{', '.join(result['server_findings']) or '-'}"
        )
    return "\n".join(lines)
