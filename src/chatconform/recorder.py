"""Recording and replaying cassettes with vcrpy, every byte scrubbed before it is written."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import vcr

from chatconform import __version__
from chatconform.scrub import REDACTED, is_secret_name, known_secrets, scrub_body, scrub_headers, scrub_text, scrub_url


class Scrubber:
    """vcrpy hooks that remove secrets; key values seen in a request are also removed from its response."""

    def __init__(self, extra_secrets=()):
        self.secrets = set(known_secrets(extra_secrets))

    def _learn(self, headers: dict, body) -> None:
        """Remember the credential values a request carries, wherever the response may echo them."""
        for name, value in (headers or {}).items():
            if is_secret_name(name):
                for item in value if isinstance(value, list) else [value]:
                    text = str(item)
                    self.secrets.add(text.split(" ", 1)[1] if text.lower().startswith("bearer ") else text)
        self._learn_json(body)

    def _learn_json(self, body) -> None:
        import json

        try:
            value = json.loads(body) if isinstance(body, (str, bytes)) and body else None
        except ValueError:
            return
        stack = [value]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                self.secrets.update(str(v) for k, v in item.items() if is_secret_name(k) and isinstance(v, str))
                stack.extend(item.values())
            elif isinstance(item, list):
                stack.extend(item)

    def _values(self) -> list[str]:
        return sorted((s for s in self.secrets if len(s) >= 6 and s != REDACTED), key=len, reverse=True)

    def request(self, request):
        """before_record_request: headers, URL (query keys) and JSON body at any depth."""
        self._learn(dict(request.headers), request.body)
        secrets = self._values()
        request.headers = {k: (v[0] if isinstance(v, list) else v)
                           for k, v in scrub_headers(dict(request.headers), secrets).items()}
        request.uri = scrub_url(request.uri, secrets)
        request.body = scrub_body(request.body, secrets)
        return request

    def response(self, response: dict) -> dict:
        """before_record_response: headers and body (JSON at any depth, SSE event by event)."""
        secrets = self._values()
        response["headers"] = scrub_headers(response.get("headers") or {}, secrets)
        body = response.get("body") or {}
        if "string" in body:
            body["string"] = scrub_body(body["string"], secrets)
        if "content" in body:  # vcrpy's httpx stub stores content under "content" in some versions
            body["content"] = scrub_body(body["content"], secrets)
        response["status"] = {**response.get("status", {}),
                              "message": scrub_text(str(response.get("status", {}).get("message", "")), secrets)}
        return response


def provenance(origin: str, provider: str, model: str | None, **more) -> dict:
    """Where a recorded cassette came from: origin, provider, model, date and suite version."""
    return {"origin": origin, "provider": provider, "model": model,
            "recorded_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "tool": f"chatconform {__version__}", **more}


def make_vcr(mode: str, scrubber: Scrubber | None = None) -> vcr.VCR:
    """A VCR for a run mode: replay never records and never lets a request through; record rewrites."""
    scrubber = scrubber or Scrubber()
    return vcr.VCR(
        record_mode={"replay": "none", "record": "all", "live": "none"}[mode],
        before_record_request=scrubber.request, before_record_response=scrubber.response,
        decode_compressed_response=True, match_on=["method", "scheme", "host", "port", "path", "query", "body"],
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
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
    model = (ex.model or "no-model").split("/")[-1]
    scenario = ex.label.split("/")[-1] if ex.label else "exchange"
    path = folder / ex.provider / model / f"regression-{scenario}-{stamp}.yaml"
    request = _vcr_request(ex)
    scrubber.request(request)
    response = scrubber.response({"status": {"code": ex.response.status, "message": ""},
                                  "headers": {k: [v] for k, v in ex.response.headers.items()},
                                  "body": {"string": ex.response.body.decode("utf-8", "replace")}})
    interaction = {"request": {"method": request.method, "uri": request.uri, "body": _text(request.body),
                               "headers": {k: [v] for k, v in request.headers.items()}}, "response": response}
    from chatconform.cassettes import dump_cassette

    dump_cassette(path, [interaction], provenance("live", ex.provider, ex.model, regression=reason))
    return path


def _vcr_request(ex):
    from vcr.request import Request as VcrRequest

    return VcrRequest(ex.request.method, ex.request.url, ex.request.body, dict(ex.request.headers))


def _text(body) -> str | None:
    if body is None:
        return None
    return body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
