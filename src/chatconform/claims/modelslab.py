"""ModelsLab's two request shapes: the model page's `model_id` + `key` vs the spec's `model` + Bearer."""

from __future__ import annotations

from chatconform.claims._predicates import is_chat_request
from chatconform.claims._registry import claim
from chatconform.claims._sources import ML_CHAT_DOC, ML_MODEL_PAGE
from chatconform.findings import Finding

BEARER_SAYS = "Pass your API key as a Bearer token in the `Authorization` header."


def _page_shape(ex) -> bool:
    return is_chat_request(ex) and ("model_id" in ex.request_json or "key" in ex.request_json)


@claim(id="modelslab.body_shape", says=BEARER_SAYS, source=ML_CHAT_DOC, severity="warning",
       providers=("modelslab",), applies_to=_page_shape)
def request_uses_the_documented_body_shape(ex):
    """A request in the model page's shape (model_id + key in the body) is reported as a docs-conflict."""
    fields = [f for f in ("model_id", "key") if f in ex.request_json]
    yield Finding.at_path("$", kind="docs-conflict", message=(
        f"the request sends {' and '.join(fields)} in the body, as the model page {ML_MODEL_PAGE} shows; "
        "the spec and the chat-completions page use `model` and an Authorization: Bearer header"),
        received=", ".join(fields), expected="model + Authorization: Bearer")
