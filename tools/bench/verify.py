"""`make bench`, verify part: interactions judged per CPU second, beside a minimal baseline in the same run.

The baseline is the floor any verify pays: libyaml's C loader and one compiled validator on each response
body (each chunk of a stream), no claims. Both run in this process on the same files, warmed once first.
Beside them: the C loader alone, and verify's own YAML reader alone (chatconform.model._yaml_events), which
gives SafeLoader's values without SafeLoader's Python nodes; nothing is cached between rounds or runs.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tempfile
import time
from contextlib import redirect_stdout
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from chatconform.model.paths import project_root
from chatconform.recording.cassettes import dump_cassette, find_cassettes

SMALL_COUNT = 5000
PER_CASSETTE = 100
# A loopback host: judged as the generic OpenAI-compatible provider, so no provider is named in code.
URL = "http://127.0.0.1:8080/v1/chat/completions"
MODEL = "bench-model"
# The targets: verify judges this many small interactions per CPU second, and stays within this
# factor of the baseline's CPU time.
TARGET_PER_SECOND = 5000
TARGET_RATIO = 1.5
# The small corpus is measured in this many fresh processes and the median ratio judged (issue 21 speaks of
# the median of three runs): one process's floor, libyaml's C loader, may run ~10% faster than the next's.
FRESH_RUNS = 3
MIN_CPU_SECONDS = 1.0  # rounds go on until both runs together took this long (a small corpus is quick)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def small_interaction(index: int) -> dict:
    """A small, valid chat completion exchange as vcrpy writes it (benchmark data, not a provider's)."""
    request = {"model": MODEL, "messages": [{"role": "user", "content": f"Say {index}"}], "max_tokens": 20}
    response = {
        "id": f"bench-{index}",
        "object": "chat.completion",
        "created": 1753456585,
        "model": MODEL,
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "logprobs": None,
                "message": {"role": "assistant", "content": f"{index}", "refusal": None},
            }
        ],
        "usage": {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4},
    }
    return {
        "request": {
            "method": "POST",
            "uri": URL,
            "body": json.dumps(request),
            "headers": {"Content-Type": ["application/json"]},
        },
        "response": {
            "status": {"code": 200, "message": "OK"},
            "headers": {"Content-Type": ["application/json"]},
            "body": {"string": json.dumps(response)},
        },
    }


def write_small_corpus(folder: Path, count: int = SMALL_COUNT, make=small_interaction) -> list[Path]:
    """`count` interactions made by `make(index)` in cassettes of PER_CASSETTE each (provenance: benchmark
    data)."""
    paths = []
    for start in range(0, count, PER_CASSETTE):
        items = [make(i) for i in range(start, min(count, start + PER_CASSETTE))]
        path = folder / f"bench-{start:05d}.yaml"
        dump_cassette(
            path, items, {"origin": "cassette", "notes": "chatconform benchmark data, not a provider's"}
        )
        paths.append(path)
    return paths


def run_verify(paths: list[Path], store) -> int:
    """The whole `verify --json` path (read, check, judge, print) with its output discarded; the exit code."""
    from chatconform.cli.verify import run

    with redirect_stdout(io.StringIO()):
        return run(paths, as_json=True, store=store)


def run_baseline(paths: list[Path], store, data=None) -> int:
    """The floor: C YAML loader, one compiled validator on each 200 body (each chunk of a stream); `data`:
    the provider data that names each URL's provider (loaded here when not given)."""
    from chatconform.judging.validators import validator_for
    from chatconform.providers import ProviderData

    data = data if data is not None else ProviderData.load()

    checked = 0
    pointers: dict[str, dict] = {}  # per URL: media type -> schema pointer, looked up once
    for path in paths:
        for item in yaml.load(path.read_bytes(), Loader=_LOADER)["interactions"]:
            response = item.get("response") or {}
            if (response.get("status") or {}).get("code") != 200:
                continue
            uri = item["request"]["uri"]
            if uri not in pointers:
                pointers[uri] = _pointers(store, uri, item["request"].get("body"), data)
            spec, media = pointers[uri]
            body = (response.get("body") or {}).get("string") or ""
            kind = next(
                (
                    v[0]
                    for k, v in (response.get("headers") or {}).items()
                    if k.lower() == "content-type" and v
                ),
                "",
            )
            try:
                instances = list(_instances(body, "event-stream" in kind))
            except ValueError:  # a compressed or binary body (an image download): the floor skips it
                continue
            for media_type, instance in instances:
                if media.get(media_type):
                    validator_for(spec, media[media_type]).is_valid(instance)
                    checked += 1
    return checked


def run_yaml_only(paths: list[Path]) -> int:
    """Only the C YAML loader on the same files: what the baseline pays to read YAML."""
    return sum(len(yaml.load(path.read_bytes(), Loader=_LOADER)["interactions"]) for path in paths)


def run_reader(paths: list[Path]) -> int:
    """Only the YAML reader verify uses (chatconform.model.inputs.parse_yaml: values built from libyaml's
    events)."""
    from chatconform.model.inputs import parse_yaml

    return sum(len(parse_yaml(path.read_text(encoding="utf-8"), str(path))["interactions"]) for path in paths)


def _pointers(store, uri: str, request_body, data=None) -> tuple[object, dict]:
    """(spec, {media type: pointer}) of the 200 answer to this URL's operation: the provider's spec, else the
    contract of the path's dialect (Anthropic's for /v1/messages, its events' union for a stream)."""
    from chatconform.dialects import contracts, load_dialects
    from chatconform.providers import ProviderData

    path = urlsplit(uri).path
    data = data if data is not None else ProviderData.load()
    spec = store.spec_or_none(*data.identify(uri, json.loads(request_body or "{}")))
    op = spec.find_operation("post", path) if spec else None
    dialect = next((d for d in load_dialects().values() if d.serves(path)), None)
    if op is None and dialect is not None:
        contract = contracts()[dialect.facts.contract]
        spec = store.load(store.catalog.get(contract.source))
        op = spec.find_operation("post", path)
        events = [p.lstrip("#") for end, p in contract.streams.items() if path.endswith(end)]
        return spec, {
            **(op.response_for(200)[1] or {}),
            **({"text/event-stream": events[0]} if events else {}),
        }
    return spec, (op.response_for(200)[1] or {}) if op else {}


def _instances(body, streamed: bool = False):
    """(media type, parsed JSON) of a JSON body, or of each data event of a stream (no SSE rules)."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    if not streamed and not text.startswith("data:"):
        yield "application/json", json.loads(text)
        return
    for line in text.splitlines():
        if line.startswith("data:") and line[5:].strip() != "[DONE]":
            yield "text/event-stream", json.loads(line[5:])


def cpu_seconds(run) -> tuple[float, object]:
    """CPU seconds this process spent in one `run()`, and what it returned."""
    start = time.process_time()
    result = run()
    return time.process_time() - start, result


def interleaved(runs: dict, min_rounds: int = 3) -> dict:
    """The least CPU time of each run over rounds that alternate them (so both see the same machine load)."""
    best = {name: float("inf") for name in runs}
    results: dict = {}
    rounds, start = 0, time.process_time()
    while rounds < min_rounds or time.process_time() - start < MIN_CPU_SECONDS:
        for name, run in runs.items():
            spent, results[name] = cpu_seconds(run)
            best[name] = min(best[name], spent)
        rounds += 1
    return {"rounds": rounds, **{name: (best[name], results[name]) for name in runs}}


def count_interactions(paths: list[Path]) -> int:
    """Interactions in the cassettes (read once, outside the timed parts)."""
    return sum(len(yaml.load(p.read_bytes(), Loader=_LOADER).get("interactions") or []) for p in paths)


def measure(label: str, paths: list[Path], store) -> dict:
    """Verify and baseline CPU seconds on the same files: warmed once, then the best of alternating rounds.

    Verify reads its provider data each round, as every `chatconform verify` does; the baseline is given
    the data read once here, outside its timing (the floor pays nothing for it)."""
    from chatconform.providers import ProviderData

    data = ProviderData.load()
    run_verify(paths[:1], store), run_baseline(paths[:1], store, data)
    timed = interleaved(
        {
            "verify": lambda: run_verify(paths, store),
            "baseline": lambda: run_baseline(paths, store, data),
            "yaml": lambda: run_yaml_only(paths),
            "reader": lambda: run_reader(paths),
        }
    )
    (verify_s, code), (base_s, _), (yaml_s, _) = timed["verify"], timed["baseline"], timed["yaml"]
    count = count_interactions(paths)
    return {
        "corpus": label,
        "interactions": count,
        "verify_cpu_s": verify_s,
        "baseline_cpu_s": base_s,
        "yaml_cpu_s": yaml_s,
        "reader_cpu_s": timed["reader"][0],
        "per_second": count / verify_s if verify_s else float("inf"),
        "rounds": timed["rounds"],
        "ratio": verify_s / base_s if base_s else float("inf"),
        "exit": code,
    }


def report(row: dict) -> list[str]:
    """Lines for one measured corpus."""
    return [
        f"verify {row['corpus']}: {row['interactions']} interactions, exit {row['exit']}, "
        f"CPU seconds: the least of {row['rounds']} alternating rounds",
        f"  verify   : {row['verify_cpu_s']:.3f} CPU s  ({row['per_second']:.0f} interactions per CPU s)",
        f"  baseline : {row['baseline_cpu_s']:.3f} CPU s  "
        "(C YAML loader + one compiled validator, no claims)",
        f"  of which : {row['yaml_cpu_s']:.3f} CPU s the C YAML loader alone "
        f"({_rate(row['interactions'], row['yaml_cpu_s'])} interactions per CPU s)",
        f"  reader   : {row['reader_cpu_s']:.3f} CPU s verify's YAML reader alone, SafeLoader's values from "
        f"libyaml's events ({_rate(row['interactions'], row['reader_cpu_s'])} interactions per CPU s)",
        f"  ratio    : {row['ratio']:.2f}x the baseline's CPU time",
    ]


def _rate(count: int, seconds: float) -> str:
    return f"{count / seconds:.0f}" if seconds else "inf"


def verdicts(row: dict, speed: bool = True) -> list[str]:
    """Whether the issue's targets hold: the ratio for every corpus, the speed for small interactions."""
    ratio = f"target <= {TARGET_RATIO}x baseline: {'holds' if row['ratio'] <= TARGET_RATIO else 'MISSED'}"
    if not speed:
        return [f"  {ratio}"]
    fast = "holds" if row["per_second"] >= TARGET_PER_SECOND else "MISSED"
    return [f"  target >= {TARGET_PER_SECOND} small interactions/CPU s: {fast}; {ratio}"]


def sse_linearity(chunk: bytes = b'data: {"object":"chat.completion.chunk","choices":[]}\n\n') -> list[str]:
    """The SSE reader on 10,000 and 100,000 chunks: linear when the second takes about 10x the first."""
    from chatconform.model import stream as sse

    times = {}
    for count in (10_000, 100_000):
        body = chunk * count
        timed = interleaved({"sse": lambda b=body: sse.parse(b, chunk_size=4096)}, min_rounds=5)
        times[count] = timed["sse"][0]
    ratio = times[100_000] / times[10_000]
    shape = "linear" if ratio < 20 else "NOT LINEAR"
    return [
        f"sse reader: 10,000 chunks {times[10_000]:.3f} CPU s, 100,000 chunks {times[100_000]:.3f} CPU s "
        f"({ratio:.1f}x for 10x the chunks: {shape})"
    ]


def anthropic_lines(store, chat: dict) -> list[str]:
    """The Anthropic Messages workloads (whole, streamed), each beside its own baseline and chat's speed."""
    from tools.bench.anthropic import message_interaction

    lines = []
    for label, streamed in (("anthropic whole", False), ("anthropic streamed", True)):
        with tempfile.TemporaryDirectory() as tmp:
            row = measure(
                label,
                write_small_corpus(Path(tmp), make=lambda i, s=streamed: message_interaction(i, s)),
                store,
            )
        lines += report(row) + verdicts(row, speed=not streamed)
        lines.append(
            f"  against chat: {row['per_second'] / chat['per_second']:.2f}x chat's interactions per CPU s "
            f"({row['per_second']:.0f} vs {chat['per_second']:.0f}), ratio to its baseline "
            f"{row['ratio']:.2f}x vs chat's {chat['ratio']:.2f}x"
        )
    return lines


def realtraffic_folders() -> list[Path]:
    """The real-traffic corpus: CHATCONFORM_REALTRAFFIC, beside the project (as CI has it), the shared
    copy."""
    env = os.environ.get("CHATCONFORM_REALTRAFFIC")
    candidates = [Path(env)] if env else []
    candidates += [project_root().parent / "shared" / "realtraffic", Path("/work/shared/realtraffic")]
    seen, out = set(), []
    for folder in candidates:
        if folder.is_dir() and folder.resolve() not in seen:
            seen.add(folder.resolve())
            out.append(folder)
    return out


def small_row() -> dict:
    """The small corpus measured in this process (what each fresh process of the bench reports)."""
    from chatconform.specs import SpecStore

    with tempfile.TemporaryDirectory() as tmp:
        return measure("small", write_small_corpus(Path(tmp)), SpecStore())


def small_in_fresh_processes(runs: int = FRESH_RUNS) -> list[dict]:
    """The small corpus measured in `runs` fresh Python processes, one after the other."""
    code = "import json; from tools.bench.verify import small_row; print(json.dumps(small_row()))"
    rows = []
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-c", code], cwd=project_root(), capture_output=True, text=True, check=True
        )
        rows.append(json.loads(done.stdout.splitlines()[-1]))
    return rows


def median_row(rows: list[dict]) -> dict:
    """The row of the median ratio, with every row's ratio beside it (`ratios`)."""
    ordered = sorted(rows, key=lambda row: row["ratio"])
    return {**ordered[len(ordered) // 2], "ratios": [row["ratio"] for row in rows]}


def fresh_lines(row: dict) -> list[str]:
    """Which of the fresh processes the numbers above come from."""
    ratios = ", ".join(f"{r:.2f}x" for r in row.get("ratios", []))
    return [f"  processes: {ratios} in {len(row.get('ratios', []))} fresh processes; the median is shown"]


def main() -> int:
    """Print every corpus's numbers and the targets; 0 when the small corpus meets both targets."""
    from chatconform.specs import SpecStore

    store = SpecStore()
    small = median_row(small_in_fresh_processes())
    lines = report(small) + fresh_lines(small) + verdicts(small) + anthropic_lines(store, small)
    folders = realtraffic_folders()
    for folder in folders:  # each corpus on its own: chat, Anthropic and Responses traffic side by side
        for corpus in sorted(d for d in folder.iterdir() if d.is_dir() and find_cassettes([d])):
            row = measure(f"real traffic ({corpus})", find_cassettes([corpus]), store)
            lines += report(row) + verdicts(row, speed=False)
    if not folders:
        lines.append("verify real traffic: skipped, no folder found (set CHATCONFORM_REALTRAFFIC)")
    print("\n".join(lines + sse_linearity()))
    return 0 if small["per_second"] >= TARGET_PER_SECOND and small["ratio"] <= TARGET_RATIO else 1
