"""llama-server judged in every dialect its pinned build serves: Anthropic Messages (/v1/messages and
/v1/messages/count_tokens) and OpenAI Responses (/v1/responses, /responses, /v1/responses/input_tokens), whole
and streamed, through judge() like its chat completions. Each exchange must be judged by its dialect's own
contract; the set of server findings must be exactly tests/interop/llama_known.py's DIALECT_FINDINGS.
"""

import time

from chatconform.dialects import contracts
from chatconform.judging.judge import judge
from chatconform.judging.route import route
from tests.builders import run_of
from tests.interop.dialect_cases import CASES
from tests.interop.llama_known import DIALECT_FINDINGS as KNOWN
from tests.interop.llama_known import MODEL_ID
from tests.interop.llama_report import difference, explain, summary
from tools.interop import send_in_dialect, server_findings

DIALECT_OF = {
    "/v1/messages": "anthropic-messages",
    "/v1/messages/count_tokens": "anthropic-messages",
    "/v1/responses": "openai-responses",
    "/responses": "openai-responses",
    "/v1/responses/input_tokens": "openai-responses",
}


def judged(target, case, store):
    """Send one case as its dialect sends it; the exchange and its judgement."""
    result = send_in_dialect(target, case.path, case.send(MODEL_ID))
    assert result.outcome == "answered", f"{case.id}: {result.detail}"
    return result.exchange, judge(result.exchange, run_of(store))


def test_llama_server_is_judged_by_each_dialects_own_contract(root_target, spec_store, interop_report):
    section, shown = {}, set()
    for case in CASES:
        started = time.monotonic()
        ex, judgement = judged(root_target, case, spec_store)
        way = route(ex, run_of(spec_store))
        own = sorted({f.check for f in server_findings(judgement.findings)})
        shown |= {f"{case.id}: {check}" for check in own}
        section[case.id] = {
            "path": case.path,
            "request": ex.request_json,
            "status": ex.response.status,
            "dialect": way.dialect.name if way.dialect else None,
            "spec": way.why,
            "seconds": round(time.monotonic() - started, 2),
            "verdict": judgement.verdict,
            "rows": {name: row.verdict for name, row in judgement.rows.items()},
            "server_findings": own,
            "findings": [f.brief() for f in judgement.findings],
        }
        _judged_by_its_dialect(case, ex, way, judgement)
    interop_report.section("dialects", section, explain(shown, KNOWN))
    print("\n" + summary("dialect case", section, 38))
    assert shown == set(KNOWN), difference(shown, KNOWN)


def _judged_by_its_dialect(case, ex, way, judgement) -> None:
    """The route, the status and the rows say each exchange was judged as its dialect, by its contract."""
    dialect = DIALECT_OF[case.path]
    assert way.dialect is not None and way.dialect.name == dialect, f"{case.id}: routed as {way.dialect}"
    if dialect == "anthropic-messages":  # OpenAI's spec documents no /v1/messages: Anthropic's judges it
        assert way.source.id == contracts()["anthropic"].source, f"{case.id}: {way.why}"
    else:
        assert way.source.id == contracts()["openai"].source, f"{case.id}: {way.why}"
    if case.negative:
        return
    assert ex.ok, f"{case.id}: a valid request got {ex.response.status}"
    if case.body.get("stream"):
        assert ex.stream is not None and "stream.grammar" in judgement.rows, f"{case.id}: no stream judged"
    elif case.path in ("/v1/messages", "/v1/responses", "/responses"):
        prefix = "messages." if dialect == "anthropic-messages" else "responses."
        assert any(name.startswith(prefix) for name in judgement.rows), f"{case.id}: no {prefix}* claim ran"
