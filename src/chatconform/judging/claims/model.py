"""The answering model: the one asked for, the same model under another spelling of its id, or another."""

from __future__ import annotations

from chatconform.judging.claims._context import Context
from chatconform.judging.claims._modelid import deployment_of, relate
from chatconform.judging.claims._predicates import answered_completion, within
from chatconform.judging.claims._registry import claim
from chatconform.judging.claims._sources import OPENAI_SPEC
from chatconform.model.finding import Finding


@within(answered_completion)
def _model_named(ctx: Context) -> bool:
    return answered_completion(ctx) and isinstance(ctx.sent.get("model"), str)


def declared_aliases(ctx: Context) -> dict:
    """alias id -> model id, as the provider's data declares them ({} when it declares none)."""
    aliases = getattr(ctx.profile, "aliases", None)
    return dict(aliases) if isinstance(aliases, dict) else {}


@claim(
    id="model.answered_as_requested",
    says="The model used for the chat completion.",
    implied=True,
    source=OPENAI_SPEC + "#/components/schemas/CreateChatCompletionResponse/properties/model/description",
    applies_to=_model_named,
)
def the_answering_model_is_the_requested_one(ctx: Context):
    """The response's model is the requested one or (info) the same model under another spelling of its id."""
    ex = ctx.ex
    asked, got = ctx.sent["model"], (ctx.completion or {}).get("model")  # a completion: applies_to
    if got == asked:
        return
    if not isinstance(got, str) or not got:
        yield Finding.at_path(
            "$.model",
            "the answer does not say which model answered",
            severity="warning",
            received=repr(got),
            expected=asked,
        )
        return
    deployment = deployment_of(ex.request.path)
    relation = relate(asked, got)
    if deployment and not relation.same_model:
        yield Finding.at_path(
            "$.model",
            f"the Azure deployment {deployment!r} decides the model: {got!r} answered "
            f"(the body's model {asked!r} is not used)",
            severity="info",
            received=got,
        )
        return
    alias = declared_aliases(ctx).get(asked)
    if alias and not relation.same_model and relate(alias, got).same_model:
        # the declared target answered, exactly or under another spelling: an observation, never a violation
        notes = (f"an alias {ex.provider} declares for {alias!r}",) + relate(alias, got).notes
        yield _finding(asked, got, "info", notes)
        return
    assert relation.severity is not None  # None only for identical ids, returned above
    yield _finding(asked, got, relation.severity, relation.notes)


def _finding(asked: str, got: str, severity: str, notes: tuple[str, ...]) -> Finding:
    if severity == "violation":
        extra = "" if notes == ("another model",) else f": {'; '.join(notes)}"
        return Finding.at_path(
            "$.model",
            f"model {got!r} answered a request for {asked!r}{extra}",
            received=got,
            expected=f"{asked} or the same model under another spelling of its id",
        )
    if notes == ("a dated snapshot",):
        message = f"a dated snapshot {got!r} answered for {asked!r}"
    else:
        message = f"{got!r} answered for {asked!r}: the same model ({'; '.join(notes)})"
    return Finding.at_path(
        "$.model", message, severity=severity, received=got, expected=asked, extra={"identity": list(notes)}
    )
