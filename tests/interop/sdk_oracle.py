"""The official `anthropic` and `openai` SDKs pointed at the reference provider, the bytes they read kept.

Each call goes through a transport that records the request and the whole response it was given, so the
exchange the SDK parsed is the very one the suite judges. `sdk_view` and `suite_view` read one answer the same
way (text, stop reason, tool calls, usage per output) from the SDK's objects and from the suite's dialect.
"""

from __future__ import annotations

import inspect
import json

import anthropic
import httpx2
import openai

from chatconform.dialects import dialect_named
from chatconform.judging.judge import judge
from chatconform.model.exchange import Exchange, Request, Response
from chatconform.providers.profiles import GENERIC
from chatconform.refserver.selftest import DOCUMENT_KINDS
from tests.builders import run_of


class Recorder(httpx2.BaseTransport):
    """An HTTP transport that reads each response whole, keeps it, and hands the SDK the same bytes."""

    def __init__(self, inner: httpx2.BaseTransport | None = None):
        self.inner = inner or httpx2.HTTPTransport()
        self.seen: list[tuple[httpx2.Request, httpx2.Response | None, bytes]] = []

    def handle_request(self, request):
        try:
            response = self.inner.handle_request(request)
            body = response.read()
        except Exception:
            self.seen.append((request, None, b""))
            raise
        self.seen.append((request, response, body))
        return httpx2.Response(response.status_code, headers=response.headers, content=body, request=request)

    def close(self):
        self.inner.close()


def clients(base_url: str, key: str, timeout: float, dialect: str, headers: dict | None = None, inner=None):
    """(SDK client, its recorder) for a dialect: no retries, so one call is one exchange."""
    recorder = Recorder(inner)
    http = httpx2.Client(transport=recorder, timeout=timeout)
    kind = anthropic.Anthropic if dialect == "anthropic-messages" else openai.OpenAI
    client = kind(
        api_key=key,
        base_url=base_url,
        max_retries=0,
        timeout=timeout,
        http_client=http,
        default_headers=headers or {},
    )
    return client, recorder


def exchange_of(
    recorder: Recorder, model: str, provider: str = GENERIC, origin: str = "reference"
) -> Exchange | None:
    """The last exchange the SDK had (None when no answer came: a timeout, a reset)."""
    request, response, body = recorder.seen[-1]
    if response is None:
        return None
    return Exchange(
        request=Request(request.method, str(request.url), dict(request.headers), request.content),
        response=Response(response.status_code, dict(response.headers), body),
        origin=origin,
        provider=provider,
        model=model,
    )


def split(method, body: dict) -> dict:
    """Keyword arguments for an SDK method: the fields it names, the rest as extra_body (sent as they are)."""
    named = set(inspect.signature(method).parameters)
    kwargs = {k: v for k, v in body.items() if k in named and k != "stream"}
    extra = {k: v for k, v in body.items() if k not in named and k != "stream"}
    return {**kwargs, **({"extra_body": extra} if extra else {})}


def call_sdk(client, dialect: str, body: dict):
    """Send a body the way a user of the dialect's SDK would, streams through the SDK's own accumulator."""
    streamed = body.get("stream") is True
    if dialect == "anthropic-messages":
        if body.get("max_tokens") is None:  # a token count
            return client.messages.count_tokens(**split(client.messages.count_tokens, body))
        if streamed:
            with client.messages.stream(**split(client.messages.stream, body)) as stream:
                return stream.get_final_message()
        return client.messages.create(**split(client.messages.create, body))
    if dialect == "openai-responses":
        if streamed:
            with client.responses.stream(**split(client.responses.stream, body)) as stream:
                # the helper's final response is the completed one; a cut-off one ends in response.incomplete
                incomplete = [e.response for e in stream if e.type == "response.incomplete"]
                return incomplete[-1] if incomplete else stream.get_final_response()
        return client.responses.create(**split(client.responses.create, body))
    if streamed:
        with client.chat.completions.stream(**split(client.chat.completions.stream, body)) as stream:
            for _ in stream:
                pass
            try:
                return stream.get_final_completion()
            except openai.LengthFinishReasonError as cut:  # the helper's policy for a cut-off answer
                return cut.completion  # (it parses structured output): the completion it assembled
    return client.chat.completions.create(**split(client.chat.completions.create, body))


def sdk_exchange(
    client, recorder: Recorder, dialect: str, body: dict, model: str, provider: str, origin: str
):
    """(what the SDK returned or raised, the exchange it read or None) for one body; the client is closed."""
    try:
        got = call_sdk(client, dialect, body)
    except Exception as err:  # noqa: BLE001 (any way an SDK refuses an answer is what is looked at)
        got = err
    finally:
        client.close()
    return got, exchange_of(recorder, model, provider, origin)


def behaviour(ex: Exchange, store) -> list[str]:
    """The checks that flag the server's behaviour in an exchange (document findings and notes left out)."""
    return flagged_by(judge(ex, run_of(store)))


def flagged_by(judgement) -> list[str]:
    """The checks of a judgement that flag the server's behaviour."""
    return sorted(
        {f.check for f in judgement.findings if f.kind not in DOCUMENT_KINDS and f.severity != "info"}
    )


def sdk_view(dialect: str, answer) -> dict:
    """What the SDK assembled, in the shared terms of the suite's dialects."""
    if dialect == "anthropic-messages":
        texts = [b.text for b in answer.content if b.type == "text"]
        calls = [(b.name, b.input) for b in answer.content if b.type == "tool_use"]
        return {
            "outputs": [("".join(texts) if texts else None, answer.stop_reason, calls)],
            "usage": (answer.usage.input_tokens, answer.usage.output_tokens),
            "stop_sequence": answer.stop_sequence,
        }
    if dialect == "openai-responses":
        texts = [
            p.text for i in answer.output if i.type == "message" for p in i.content if p.type == "output_text"
        ]
        calls = [(i.name, _parsed(i.arguments)) for i in answer.output if i.type == "function_call"]
        details = answer.incomplete_details
        stop = (
            (details.reason if details else "incomplete")
            if answer.status == "incomplete"
            else "function_call"
            if calls
            else answer.status
        )
        return {
            "outputs": [("".join(texts) if texts else None, stop, calls)],
            "usage": (answer.usage.input_tokens, answer.usage.output_tokens, answer.usage.total_tokens),
        }
    outputs = [
        (
            c.message.content,
            c.finish_reason,
            [(t.function.name, _parsed(t.function.arguments)) for t in c.message.tool_calls or []],
        )
        for c in sorted(answer.choices, key=lambda c: c.index)
    ]
    usage = answer.usage
    return {
        "outputs": outputs,
        "usage": (usage.prompt_tokens, usage.completion_tokens, usage.total_tokens) if usage else None,
    }


def suite_view(dialect: str, ex: Exchange) -> dict | None:
    """What the suite's dialect reads from the same exchange (None: it reads no answer there)."""
    reader = dialect_named(dialect)
    answer = reader.answer(ex)
    if answer is None:
        return None
    outputs = [
        (o.text, o.stop_raw, [(c.name, _parsed(c.arguments)) for c in o.tool_calls])
        for o in sorted(answer.outputs, key=lambda o: o.index)
    ]
    u = answer.usage
    if dialect == "anthropic-messages":
        return {
            "outputs": outputs,
            "usage": (u.input, u.output) if u else None,
            "stop_sequence": reader.assembled(ex).get("stop_sequence"),
        }
    return {"outputs": outputs, "usage": (u.input, u.output, u.total) if u else None}


def _parsed(arguments: str):
    """Tool arguments as JSON, or the text itself when it is not JSON (both readers keep it so)."""
    try:
        return json.loads(arguments or "{}")
    except ValueError:
        return arguments
