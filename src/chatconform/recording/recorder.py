"""Recording and replaying cassettes with vcrpy, every byte scrubbed before it is written."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import vcr

from chatconform import __version__
from chatconform.model.paths import inside, safe_name
from chatconform.recording.scrub import (
    known_secrets,
    request_secrets,
    scrub_body,
    scrub_headers,
    scrub_text,
    scrub_url,
)


class Scrubber:
    """vcrpy hooks that remove secrets; every credential a request carried is also removed from what
    follows."""

    def __init__(self, extra_secrets=(), key_envs=()):
        self.learned = set(extra_secrets)
        self.key_envs = tuple(key_envs)  # the run's own key variables, besides every key-like one

    def _values(self) -> list[str]:
        """The run's key values (read now: a variable may be set after this hook was made) and learned
        ones."""
        return known_secrets(self.learned, self.key_envs)

    def request(self, request):
        """before_record_request: headers of any scheme, URL (query keys, userinfo) and JSON body at any
        depth."""
        self.learned |= request_secrets(dict(request.headers), request.uri, request.body)
        secrets = self._values()
        request.headers = {
            k: (v[0] if isinstance(v, list) else v)
            for k, v in scrub_headers(dict(request.headers), secrets).items()
        }
        request.uri = scrub_url(request.uri, secrets)
        request.body = scrub_body(request.body, secrets)
        return request

    def response(self, response: dict) -> dict:
        """before_record_response: headers and body (JSON at any depth, SSE event by event, comments too)."""
        secrets = self._values()
        response["headers"] = scrub_headers(response.get("headers") or {}, secrets)
        body = response.get("body") or {}
        for field in (
            "string",
            "content",
        ):  # vcrpy's httpx stub stores content under "content" in some versions
            if field in body:
                body[field] = scrub_body(body[field], secrets)
        status = response["status"] if isinstance(response.get("status"), dict) else {}
        response["status"] = {**status, "message": scrub_text(str(status.get("message", "")), secrets)}
        return response


def provenance(origin: str, provider: str, model: str | None, **more) -> dict:
    """Where a recorded cassette came from: origin, provider, model, date and suite version."""
    return {
        "origin": origin,
        "provider": provider,
        "model": model,
        "recorded_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "tool": f"chatconform {__version__}",
        **more,
    }


def make_vcr(mode: str, scrubber: Scrubber | None = None) -> vcr.VCR:
    """A VCR for a run mode: replay never records and never lets a request through; record rewrites."""
    scrubber = scrubber or Scrubber()
    return vcr.VCR(
        record_mode={"replay": "none", "record": "all", "live": "none"}[mode],
        before_record_request=scrubber.request,
        before_record_response=scrubber.response,
        decode_compressed_response=True,
        match_on=["method", "scheme", "host", "port", "path", "query", "body"],
        # no vcrpy filter_headers: they run before our hook, which must see a key to scrub its echoes
    )


def use_cassette(path: Path, mode: str, prov: dict | None = None, scrubber: Scrubber | None = None):
    """A context manager over one cassette; in record mode its provenance goes into vcrpy's metadata."""
    context = make_vcr(mode, scrubber).use_cassette(str(path))
    return _WithProvenance(context, prov) if prov else context


class _WithProvenance:
    def __init__(self, context, prov: dict):
        self.context, self.prov = context, prov

    def __enter__(self):
        cassette = self.context.__enter__()
        cassette.get_metadata("provenance", self.prov)
        return cassette

    def __exit__(self, *exc):
        return self.context.__exit__(*exc)


def save_regression(ex, folder: Path, reason: str) -> Path:
    """Write a failing live exchange as a scrubbed regression cassette (provenance: live, dated)."""
    scrubber = Scrubber()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    model = (ex.model or "no-model").split("/")[-1]
    scenario = ex.label.split("/")[-1] if ex.label else "exchange"
    path = inside(
        folder, safe_name(ex.provider), safe_name(model), f"regression-{safe_name(scenario)}-{stamp}.yaml"
    )
    request = _vcr_request(ex)
    scrubber.request(request)
    response = scrubber.response(
        {
            "status": {"code": ex.response.status, "message": ""},
            "headers": {k: [v] for k, v in ex.response.headers.items()},
            "body": {"string": ex.response.body.decode("utf-8", "replace")},
        }
    )
    interaction = {
        "request": {
            "method": request.method,
            "uri": request.uri,
            "body": _text(request.body),
            "headers": {k: [v] for k, v in request.headers.items()},
        },
        "response": response,
    }
    from chatconform.recording.cassettes import dump_cassette

    dump_cassette(path, [interaction], provenance("live", ex.provider, ex.model, regression=reason))
    return path


def _vcr_request(ex):
    from vcr.request import Request as VcrRequest

    return VcrRequest(ex.request.method, ex.request.url, ex.request.body, dict(ex.request.headers))


def _text(body) -> str | None:
    if body is None:
        return None
    return body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
