"""`chatconform verify`: judge every interaction of cassettes; a bad one is one line and the rest go on."""

from __future__ import annotations

import gc
import json
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from chatconform.judging import judge as judging
from chatconform.judging.claims import release
from chatconform.judging.run import RunContext, run_context
from chatconform.model.errors import ChatconformError
from chatconform.model.exits import BAD_INPUT, CLEAN, INTERNAL, UNJUDGED, UNLOADABLE, VIOLATIONS
from chatconform.model.finding import GAP_KIND
from chatconform.model.verdict import EVERYWHERE, FAIL, GAP
from chatconform.providers import ProviderData
from chatconform.recording.cassettes import find_each, load_cassette
from chatconform.recording.scrub import known_secrets, scrub_tree


@dataclass
class Tally:
    """What a run judged and what went wrong, for the exit code."""

    judged: int = 0
    violations: int = 0
    bad: int = 0
    internal: int = 0
    unjudged: int = 0  # rows not judged (gap) that the provider data does not acknowledge

    def exit_code(self) -> int:
        """3 internal error, else 2 bad input or nothing judged, else 1 violations, else 6 unjudged, else
        0."""
        if self.internal:
            return INTERNAL
        if self.bad or not self.judged:
            return BAD_INPUT
        if self.violations:
            return VIOLATIONS
        return UNJUDGED if self.unjudged else CLEAN


@dataclass
class _Run:
    """What every interaction of one run shares: worked out once per run, not once per interaction."""

    judging: RunContext  # the run's provider data and specs
    tally: Tally
    as_json: bool
    debug: bool
    secrets: list  # the run's key values (and their encoded forms): scrubbed from every line printed
    scrubbed: dict = field(
        default_factory=dict
    )  # text -> its scrubbed form, for these secrets (scrub_tree memo)
    said_unjudged: bool = False


def run(
    paths, as_json: bool = False, debug: bool = False, store=None, data: ProviderData | None = None
) -> int:
    """Judge every interaction of the cassettes named or found below the paths with the run's provider data
    (the command's; read from the project file when none is given) and specs; the exit code."""
    ctx = run_context(store, data)
    this = _Run(ctx, Tally(), as_json, debug, known_secrets(key_envs=ctx.data.key_env_names()))
    skipped: list[str] = []
    found = find_each(paths, skipped)
    for line in skipped:  # never read, never walked into: bad input, said, and the rest is judged
        _bad(this.tally, line)
    with _collections_spaced():
        for given, files in found:
            if not given.exists() and not given.is_symlink():  # stat only: a FIFO is never opened here
                _bad(this.tally, f"{given}: no such file or folder")
                continue
            if not files:
                _bad(this.tally, f"{given}: no cassette (*.yaml, *.yml) below this folder: nothing to judge")
            for path in files:
                _verify_file(path, this)
    return this.tally.exit_code()


_YOUNG_THRESHOLD = 10_000  # allocations between the collector's youngest passes (CPython's default: 700)


@contextmanager
def _collections_spaced():
    """The garbage collector's passes spaced out while a run judges, its thresholds restored after."""
    # a run allocates tens of containers per interaction, nearly all freed at once by reference counting
    # (trees of YAML and JSON, exchanges released when judged): at 700 the collector's passes, the full ones
    # over every spec loaded included, were ~5% of verify's CPU time and found next to nothing to free
    thresholds = gc.get_threshold()
    gc.set_threshold(max(thresholds[0], _YOUNG_THRESHOLD), *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


def _verify_file(path, this: _Run) -> None:
    """Judge one cassette's interactions, reporting each one that cannot be read."""
    try:
        cassette = load_cassette(path, this.judging.data, strict=False)
    except ChatconformError as err:
        _bad(this.tally, str(err))
        return
    for problem in cassette.problems:
        _bad(this.tally, problem)
    if not cassette.exchanges and not cassette.problems:
        _bad(this.tally, f"{path}: no interactions: nothing to judge")
    for index, ex in cassette.numbered():
        _verify_one(path, index, ex, this)
        release(ex)  # judged and printed: freed now, not by a garbage collection later


def _verify_one(path, index: int, ex, this: _Run) -> None:
    """Judge one exchange and print it; a failure of ours is one line and the next interaction goes on."""
    tally = this.tally
    try:
        j = judging.judge(ex, this.judging)
        verdict = j.verdict
        out: dict[str, Any] | str
        if this.as_json:
            out = {
                "cassette": str(path),
                "index": index,
                "provider": ex.provider,
                "model": ex.model,
                "origin": ex.origin,
                "verdict": verdict,
                "findings": [_brief(f, ex, this.judging.data) for f in j.findings],
            }
        else:
            out = _render(j, this.judging, ex, path)
    except ChatconformError as err:
        _bad(tally, f"{path}: interaction {index}: {err}")
        return
    except Exception as err:  # a bug in one check must not leave the other interactions unjudged
        from chatconform.cli._errors import internal_error

        tally.internal += 1
        internal_error(err, this.debug, where=f"{path}: interaction {index}")
        return
    tally.judged += 1
    tally.violations += verdict == FAIL
    tally.unjudged += any(row.verdict == GAP and row.acknowledged is None for row in j.rows.values())
    tally.bad += any(f.check == UNLOADABLE for f in j.findings)  # the pinned spec it needs cannot be read
    _emit(out, this.secrets, this.scrubbed)
    if (
        this.tally.unjudged == 1 and not this.said_unjudged and not this.as_json
    ):  # --json: its `verdict`s say it
        this.said_unjudged = True  # once: the exit code (6) explained, and how to accept such a case
        _bad_line(
            f"{path}: interaction {index}: not judged and not acknowledged (exit {UNJUDGED} unless "
            f"every such case is acknowledged in chatconform.toml): {_gap_reason(j)}"
        )


def _render(j, run: RunContext, ex, path) -> str:
    from chatconform.judging.route import judging_spec
    from chatconform.reporting.render import render_judgement

    spec = judging_spec(ex, run)
    return render_judgement(j, spec.display if spec else None, f"chatconform verify {path}")


def _brief(finding, ex, data: ProviderData) -> dict:
    """A finding for --json, with the known-deviation (or, for a gap, acknowledgement) reason the data
    declares."""
    out = finding.brief()
    deviation = (
        data.deviation_for(ex.provider, finding.check, ex.model, ex.origin, ex.request.path)
        if finding.severity == "violation"
        else None
    )
    if deviation:  # one declared for every model and origin says so (it passes its check everywhere)
        said = f"{EVERYWHERE}: " if deviation.everywhere else ""
        out["known_deviation"] = said + deviation.reason
    accepted = (
        data.acknowledgement_for(ex.provider, finding.check, ex.model, ex.origin)
        if finding.kind == GAP_KIND
        else None
    )
    if accepted:
        out["acknowledged"] = accepted.reason
    return out


_JSON = json.JSONEncoder(ensure_ascii=False)  # what json.dumps(ensure_ascii=False) builds on every call


def _emit(out, secrets, memo: dict | None = None) -> None:
    """Print a line (or a JSON object); text a terminal cannot encode (a lone surrogate) is escaped."""
    out = scrub_tree(out, secrets, memo)  # a log is written somewhere too: no key value reaches it
    try:
        print(_JSON.encode(out) if isinstance(out, dict) else out)
    except UnicodeEncodeError:
        print(json.dumps(out) if isinstance(out, dict) else out.encode("ascii", "backslashreplace").decode())


def _gap_reason(j) -> str:
    row = next(row for row in j.rows.values() if row.verdict == GAP and row.acknowledged is None)
    return f"{row.check}: {' '.join(str(row.reason).split())[:200]}"


def _bad(tally: Tally, message: str) -> None:
    tally.bad += 1
    _bad_line(message)


def _bad_line(message: str) -> None:
    print(f"chatconform: {' '.join(message.split())}", file=sys.stderr)
