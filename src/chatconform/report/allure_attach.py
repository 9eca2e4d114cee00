"""Allure labels and attachments for a judged exchange (scrubbed like everything that is written)."""

from __future__ import annotations

import json

import allure

from chatconform.claims import load_claims
from chatconform.scrub import exchange_secrets, scrub_body, scrub_headers, scrub_text, scrub_tree, scrub_url


def annotate(ex, check: str, findings, spec=None) -> None:
    """epic = provider, feature = model, story = check; parameters, links, and the evidence attached."""
    secrets = exchange_secrets(ex)  # the run's keys and what this request carried: a server may echo either
    allure.dynamic.epic(scrub_text(str(ex.provider), secrets))
    allure.dynamic.feature(scrub_text(ex.model or "(no model)", secrets))
    allure.dynamic.story(check)
    allure.dynamic.parameter("origin", ex.origin)
    allure.dynamic.parameter("exchange", scrub_text(str(ex.label), secrets))
    claim = load_claims().get(check)
    if claim:
        allure.dynamic.description(f'"{claim.says}"\n\nsource: {claim.source}\n\n{claim.doc}')
        if claim.source.startswith("http"):
            allure.dynamic.link(claim.source.split(" ")[0], name="documenting page")
    if spec is not None:
        allure.dynamic.link(spec.source.page or spec.source.url, name=f"spec {spec.source.id}")
        allure.dynamic.parameter("spec sha256", spec.sha256[:12])
    request = {"method": ex.request.method, "url": scrub_url(ex.request.url, secrets),
               "headers": scrub_headers(ex.request.headers, secrets),
               "body": _text(scrub_body(ex.request.body, secrets))}
    _attach_json(request, "request (redacted)", secrets)
    if ex.response is not None:
        response = {"status": ex.response.status, "headers": scrub_headers(ex.response.headers, secrets),
                    "body": _text(scrub_body(ex.response.body, secrets))}
        _attach_json(response, "response (redacted)", secrets)
    if findings:
        _attach_json([f.to_dict() for f in findings], "findings (with JSON paths)", secrets)
        excerpt = "\n".join(f"{f.schema_at or f.source}\n  says: {f.says or '-'}" for f in findings)
        allure.attach(scrub_text(excerpt, secrets), "spec locations and quoted sentences", allure.attachment_type.TEXT)


def _attach_json(value, name: str, secrets) -> None:
    """Attach a value as JSON, scrubbed once more as a whole (names at any depth, values anywhere)."""
    allure.attach(json.dumps(scrub_tree(value, secrets), indent=2, ensure_ascii=False), name,
                  allure.attachment_type.JSON)


def _text(body) -> str:
    if body is None:
        return ""
    return body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
