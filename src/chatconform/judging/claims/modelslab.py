"""A request in a shape a provider's page documents besides its spec's (ModelsLab's `model_id` + body
`key`)."""

from __future__ import annotations

from chatconform.judging.claims._context import Context
from chatconform.judging.claims._documented import declared_shapes
from chatconform.judging.claims._predicates import is_chat_request, within
from chatconform.judging.claims._registry import claim
from chatconform.judging.claims._sources import ML_CHAT_DOC
from chatconform.model.finding import Finding

BEARER_SAYS = "Pass your API key as a Bearer token in the `Authorization` header."


def _page_fields(ctx: Context) -> tuple[list[str], str]:
    """(the fields of a declared other shape that the body carries, the page documenting that shape)."""
    for shape in declared_shapes(ctx.data, ctx.ex.provider).values():
        fields = [
            f
            for f in (shape.get("model_field"), shape.get("key_field"))
            if f and f != "model" and f in ctx.sent
        ]
        if fields:
            return fields, shape.get("source", "a page")
    return [], ""


@within(is_chat_request)
def _page_shape(ctx: Context) -> bool:
    return is_chat_request(ctx) and bool(_page_fields(ctx)[0])


@claim(
    id="modelslab.body_shape",
    says=BEARER_SAYS,
    source=ML_CHAT_DOC,
    severity="warning",
    providers=("modelslab",),
    applies_to=_page_shape,
    documented="auth_header",
)
def request_uses_the_documented_body_shape(ctx: Context):
    """A request in the model page's shape (model_id + key in the body) is reported as a docs-conflict."""
    fields, page = _page_fields(ctx)
    yield Finding.at_path(
        "$",
        kind="docs-conflict",
        message=(
            f"the request sends {' and '.join(fields)} in the body, as the model page {page} shows; "
            "the spec and the chat-completions page use `model` and an Authorization: Bearer header"
        ),
        received=", ".join(fields),
        expected="model + Authorization: Bearer",
    )
