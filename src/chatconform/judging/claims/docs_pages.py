"""A documentation page agrees with itself: every language tab sends one model, the one the page lists.

Both read the provenance `chatconform catalog examples` writes on each docs cassette (`tab_models`: the model
each readable tab sends; `page_model_ids`: the ids the page says it documents), so they judge the page, not
the provider: a warning for a reviewer of the docs, never a failure of the API.
"""

from __future__ import annotations

from chatconform.judging.claims._predicates import DOCS, needs
from chatconform.judging.claims._registry import claim
from chatconform.judging.claims._sources import AIML_FLASH_DOC
from chatconform.model.finding import Finding


def _page_of(ex) -> str | None:
    """The pinned page the cassette was generated from (its path under specs/)."""
    snapshot = ex.provenance.get("snapshot")
    return snapshot.split(" ", 1)[0] if isinstance(snapshot, str) and snapshot.startswith("specs/") else None


@needs(DOCS)
def _tabs_recorded(ctx) -> bool:
    ex = ctx.ex
    tabs = ex.provenance.get("tab_models")
    return ex.origin == "docs" and isinstance(tabs, dict) and len(tabs) > 1


@needs(DOCS)
def _ids_recorded(ctx) -> bool:
    ex = ctx.ex
    ids = ex.provenance.get("page_model_ids")
    return (
        ex.origin == "docs"
        and isinstance(ids, list)
        and bool(ids)
        and isinstance(ex.request_json.get("model"), str)
    )


@claim(
    id="docs.tabs_send_one_model",
    severity="warning",
    applies_to=_tabs_recorded,
    source=AIML_FLASH_DOC,
    says="pick the snippet for your preferred programming language (Python / Node.js) and copy it into "
    "your project.",
)
def every_tab_sends_the_same_model(ctx):
    """The page's language tabs of one example send the same model id."""
    ex = ctx.ex
    tabs = ex.provenance["tab_models"]
    if len(set(map(str, tabs.values()))) > 1:
        shown = ", ".join(f"{tab}: {model!r}" for tab, model in tabs.items())
        yield Finding.at_path(
            "$.model",
            f"the tabs of example {_index(ex)} send different models ({shown})",
            received=shown,
            expected="one model id in every tab",
            source=_page_of(ex),
        )


@claim(
    id="docs.example_sends_listed_model",
    severity="warning",
    applies_to=_ids_recorded,
    source=AIML_FLASH_DOC,
    says="This documentation is valid for the following list of our models:",
)
def the_example_sends_a_listed_model(ctx):
    """The model an example sends is one of the ids its page says it documents."""
    ex = ctx.ex
    ids, sent = ex.provenance["page_model_ids"], ex.request_json["model"]
    if sent not in ids:
        yield Finding.at_path(
            "$.model",
            f"example {_index(ex)} sends {sent!r}, which its page does not list",
            received=sent,
            expected=f"one of {', '.join(map(str, ids))}",
            source=_page_of(ex),
        )


def _index(ex) -> str:
    example = ex.provenance.get("example")
    return str(example.get("index", "?")) if isinstance(example, dict) else "?"
