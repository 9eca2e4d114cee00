"""Allure labels and attachments for a judged exchange (scrubbed like everything that is written)."""

from __future__ import annotations

import json

import allure

from chatconform.claims import CLAIMS
from chatconform.scrub import known_secrets, scrub_body, scrub_headers, scrub_url


def annotate(ex, check: str, findings, spec=None) -> None:
    """epic = provider, feature = model, story = check; parameters, links, and the evidence attached."""
    allure.dynamic.epic(ex.provider)
    allure.dynamic.feature(ex.model or "(no model)")
    allure.dynamic.story(check)
    allure.dynamic.parameter("origin", ex.origin)
    allure.dynamic.parameter("exchange", ex.label)
    claim = CLAIMS.get(check)
    if claim:
        allure.dynamic.description(f'"{claim.says}"\n\nsource: {claim.source}\n\n{claim.doc}')
        if claim.source.startswith("http"):
            allure.dynamic.link(claim.source.split(" ")[0], name="documenting page")
    if spec is not None:
        allure.dynamic.link(spec.source.page or spec.source.url, name=f"spec {spec.source.id}")
        allure.dynamic.parameter("spec sha256", spec.sha256[:12])
    secrets = known_secrets()
    request = {"method": ex.request.method, "url": scrub_url(ex.request.url, secrets),
               "headers": scrub_headers(ex.request.headers, secrets),
               "body": _text(scrub_body(ex.request.body, secrets))}
    allure.attach(json.dumps(request, indent=2, ensure_ascii=False), "request (redacted)",
                  allure.attachment_type.JSON)
    if ex.response is not None:
        response = {"status": ex.response.status, "headers": scrub_headers(ex.response.headers, secrets),
                    "body": _text(scrub_body(ex.response.body, secrets))}
        allure.attach(json.dumps(response, indent=2, ensure_ascii=False), "response (redacted)",
                      allure.attachment_type.JSON)
    if findings:
        allure.attach(json.dumps([f.to_dict() for f in findings], indent=2, ensure_ascii=False),
                      "findings (with JSON paths)", allure.attachment_type.JSON)
        excerpt = "\n".join(f"{f.schema_at or f.source}\n  says: {f.says or '-'}" for f in findings)
        allure.attach(excerpt, "spec locations and quoted sentences", allure.attachment_type.TEXT)


def _text(body) -> str:
    if body is None:
        return ""
    return body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
