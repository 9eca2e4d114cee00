"""Published chunk schemas that no conventional OpenAI-compatible stream can satisfy.

AIML's text/event-stream schema types `finish_reason` as a non-null string and requires `delta.role`
and `delta.content` in every chunk; OpenAI's own spec (and every real stream) sends `finish_reason: null`
until a choice's last chunk and deltas with only what changed. The spec is self-consistent, so we do not
loosen it: each such failure is folded into one `spec-defect` finding (a violation of the literal spec,
showing both sides) that a profile can declare a known deviation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from chatconform.findings import Finding

SCHEMA_CHECKS = {"stream.chunk-schema": "stream.spec-defect", "response.schema": "response.spec-defect"}
OPENAI_CHUNK = "specs/openai/openapi.json#/components/schemas/CreateChatCompletionStreamResponse"


@dataclass(frozen=True)
class Rule:
    """A schema failure that is the spec's defect rather than the stream's."""

    name: str
    schema_at: re.Pattern
    excerpt: re.Pattern
    spec_says: str
    openai_says: str


RULES = (
    Rule("finish_reason-null", re.compile(r"/finish_reason/(type|enum)$"), re.compile(r"^null$"),
         "finish_reason is a non-null string in every chunk",
         f"finish_reason is nullable; null until a choice's last chunk ({OPENAI_CHUNK}/properties/choices/"
         "items/properties/finish_reason)"),
    Rule("delta-required", re.compile(r"/delta/required$"), re.compile(r".*"),
         "every delta carries both role and content",
         f"a delta carries only what changed; nothing is required ({OPENAI_CHUNK}/properties/choices/items/"
         "properties/delta)"),
    Rule("finish_reason-tool_calls", re.compile(r"/finish_reason/enum$"), re.compile(r'^"tool_calls"$'),
         "finish_reason is one of stop, length, content_filter (no tool_calls), while the provider documents "
         "function calling",
         "finish_reason is tool_calls when the model called a tool (components/schemas/"
         "CreateChatCompletionResponse/properties/choices/items/properties/finish_reason)"),
    Rule("delta-content-null", re.compile(r"/delta/properties/content/type$"), re.compile(r"^null$"),
         "delta.content is a non-null string",
         "delta.content may be null (components/schemas/ChatCompletionStreamResponseDelta)"),
)


def fold(findings: list[Finding]) -> list[Finding]:
    """Chunk-schema findings with every spec-defect failure folded into one finding per rule."""
    kept, hits = [], {}
    for finding in findings:
        rule = next((r for r in RULES if finding.check in SCHEMA_CHECKS and finding.schema_at
                     and r.schema_at.search(finding.schema_at) and r.excerpt.match(finding.excerpt or "")),
                    None)
        if rule is None:
            kept.append(finding)
        else:
            hits.setdefault(rule, []).append(finding)
    return kept + [_defect(rule, found) for rule, found in hits.items()]


def _defect(rule: Rule, found: list[Finding]) -> Finding:
    first = found[0]
    return Finding(
        check=SCHEMA_CHECKS[first.check], severity="violation", kind="spec-defect", at=first.at,
        message=(f"{len({f.at.split('.')[0] for f in found})} chunk(s) fail the same way: the spec says {rule.spec_says} "
                 f"({first.schema_at}); OpenAI's spec says {rule.openai_says}"),
        keyword=first.keyword, schema_at=first.schema_at, excerpt=first.excerpt, extra={"rule": rule.name})
