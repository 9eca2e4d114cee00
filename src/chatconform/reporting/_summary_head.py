"""The top of the summary: the headline (the run's tally, the counts every other view shows), the legend of
every colour on the page, and the matrix's filter bar.

The headline counts rows of results.json (as the CLI line, junit.xml and Allure do); the matrix paints one
cell per model and check, the worst of its rows, so its filters count cells and say so.
"""

from __future__ import annotations

from collections import Counter

from chatconform.model.verdict import CONFLICT, FAIL, GAP, KNOWN, NOT_RUN, PASS, UNAVAILABLE
from chatconform.reporting._html import SHOWN, SHOWN_MEANING, UNKNOWN, WARN, e, entry_shown
from chatconform.reporting._summary_panel import pill
from chatconform.reporting.tally import Tally

# each verdict's card: what its rows are called and what that means (a hot card asks for attention)
CARDS = (
    (FAIL, "failing rows", "violations nobody declared"),
    (KNOWN, "known deviations", "declared, with reason and link"),
    (UNAVAILABLE, "provider unavailable", "no answer after retries: not judged"),
    (GAP, "gaps", "could not be judged: not a pass"),
    (NOT_RUN, "not run", "budget spent, or no key"),
    (CONFLICT, "docs conflicts", "the provider's documents disagree"),
    (PASS, "passed", "every rule held"),
)
HOT = (FAIL, UNAVAILABLE, GAP)
BLANK = "no row: the check does not apply to any exchange of this model (or was left out of the run)"


def headline(results: dict, previous, new: set, money: str, spent: str) -> str:
    """The cards a reviewer reads first: new failures, then every verdict's rows (the one tally), then
    spend."""
    rows = results.get("results", [])
    tally = Tally.of(rows)
    since = (
        f"since the run of {e(previous.get('started_at') or '?')}"
        if previous
        else "no previous run in the history"
    )
    cards = [_card("new", len(new) if previous else "–", "new failures", since, hot=bool(new))]
    failing = len({(x["provider"], x.get("model")) for x in rows if x["verdict"] == FAIL})
    warned = sum(1 for x in rows if entry_shown(x) == WARN)
    said = {FAIL: f", in {failing} model{'s' if failing != 1 else ''}", PASS: f"; {warned} with a warning"}
    for verdict, title, note in CARDS:
        note += said.get(verdict, "")
        cards.append(_card(verdict, tally[verdict], title, note, hot=verdict in HOT and bool(tally[verdict])))
    unknown = {v: n for v, n in tally.counts.items() if v not in SHOWN_MEANING}
    if unknown:
        cards.append(
            _card(
                UNKNOWN,
                sum(unknown.values()),
                "unknown verdict words",
                "this version cannot read them",
                hot=True,
            )
        )
    cards.append(f'<a class="card" href="#spend"><b>{money}</b>spend<br><span>{spent}</span></a>')
    return (
        f'<section id="headline" class="cards" data-rows="{tally.total}">{"".join(cards)}</section>'
        f'<p class="sub">Counts are rows of results.json ({e(tally.line())}), as the command line, junit.xml '
        "and Allure count them; a card shows its rows in the matrix below, "
        "where a cell is a model and check, "
        "painted with the worst of its rows.</p>"
    )


def _card(verdict: str, count, title: str, note: str, hot: bool = False) -> str:
    return (
        f'<label class="card{" hot" if hot else ""}" for="f-{verdict}" data-card="{e(verdict)}" '
        f'data-count="{e(count)}" title="show only these in the matrix">'
        f"<b>{count}</b>{e(title)}<br><span>{note if verdict == 'new' else e(note)}</span></label>"
    )


def legend() -> str:
    """What every colour and mark on the page means: each verdict, a blank cell, a greyed cell, the trend."""
    items = [f'<span class="i">{pill(v)} {e(SHOWN_MEANING[v])}</span>' for v in SHOWN]
    items += [
        '<span class="i"><span class="pill blank">&nbsp;&nbsp;</span> blank cell: ' + e(BLANK) + "</span>",
        '<span class="i"><span class="pill dim">grey</span> a cell the chosen filter leaves out</span>',
        '<span class="i">★ new since the previous run</span>',
        '<span class="i"><span class="t"></span> in a trend: the check was not in that run</span>',
        "<span class='i'>Open any cell for its evidence, a model's name for its exchanges.</span>",
    ]
    return f'<p class="legend" id="legend">{"".join(items)}</p>'


def bar(painted: dict, has_previous: bool) -> str:
    """The CSS-only verdict filter (a radio per verdict, every one of them) and the search box (the page's one
    script shows it); each chip counts the cells it keeps."""
    counts = Counter(painted.values())
    chips = ['<input type="radio" name="f" id="f-all" checked><label for="f-all">all</label>']
    for v in ("new", *SHOWN):
        chips.append(f'<input type="radio" name="f" id="f-{v}">')
        if v == "new" and not has_previous or v == UNKNOWN and not counts[v]:
            continue
        label = "new failures" if v == "new" else f"{v} ({counts[v]} cell{'s' if counts[v] != 1 else ''})"
        meaning = SHOWN_MEANING.get(v, "failing now, not in the previous run")
        chips.append(f'<label for="f-{v}" title="{e(meaning)}">{e(label)}</label>')
    return (
        f'<nav class="bar" aria-label="filter">{"".join(chips)}'
        '<input id="q" type="search" hidden placeholder="search a model, provider or failing check" '
        'aria-label="search">'
        '<span class="hint">find (Ctrl+F) searches closed cells too</span></nav>'
    )
