"""vcrpy cassettes (YAML) as Exchanges; provenance lives in vcrpy's `metadata` mapping."""

from __future__ import annotations

import gzip
import zlib
from dataclasses import dataclass
from pathlib import Path

import yaml

from chatconform.errors import ChatconformError
from chatconform.exchange import ORIGINS, Exchange, Request, Response
from chatconform.profiles import identify


class CassetteError(ChatconformError):
    """A file that cannot be read as a cassette."""


@dataclass
class Cassette:
    """A cassette file: its exchanges and where they came from."""

    path: Path
    exchanges: list[Exchange]
    provenance: dict


def find_cassettes(paths) -> list[Path]:
    """Cassette files named directly, or found (*.yaml, *.yml) below folders, sorted."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml")))
        elif path.exists():
            found.append(path)
        else:
            raise CassetteError(f"{path}: no such file or folder")
    return found


def load_cassette(path: Path) -> Cassette:
    """Read a cassette; anything that is not one is a one-line CassetteError."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as err:
        raise CassetteError(f"{path}: cannot read ({err.strerror or err})") from None
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        raise CassetteError(f"{path}: not a cassette (not YAML: {str(err).splitlines()[0]})") from None
    if not isinstance(data, dict) or not isinstance(data.get("interactions"), list):
        raise CassetteError(f"{path}: not a cassette (no `interactions` list)")
    provenance = dict((data.get("metadata") or {}).get("provenance") or {})
    exchanges = [_exchange(path, index, item, provenance) for index, item in enumerate(data["interactions"])]
    return Cassette(path=Path(path), exchanges=exchanges, provenance=provenance)


def _exchange(path: Path, index: int, item, provenance: dict) -> Exchange:
    if not isinstance(item, dict) or not isinstance(item.get("request"), dict):
        raise CassetteError(f"{path}: interaction {index} has no request")
    req = item["request"]
    missing = [k for k in ("method", "uri") if k not in req]
    if missing:
        raise CassetteError(f"{path}: interaction {index} request lacks {', '.join(missing)}")
    request = Request(method=str(req["method"]), url=str(req["uri"]), headers=req.get("headers") or {},
                      body=_bytes(req.get("body")))
    response = _response(path, index, item.get("response"))
    provider, model = identify(request.url, request.json)
    origin = provenance.get("origin", "cassette")
    return Exchange(
        request=request, response=response, origin=origin if origin in ORIGINS else "cassette",
        provider=provenance.get("provider", provider), model=model or provenance.get("model"),
        label=f"{path}#{index}", provenance=provenance,
    )


def _response(path: Path, index: int, resp) -> Response | None:
    """The recorded response; None where a documentation example shows no response."""
    if resp is None:
        return None
    if not isinstance(resp, dict) or not isinstance(resp.get("status"), dict):
        raise CassetteError(f"{path}: interaction {index} response has no status")
    try:
        status = int(resp["status"]["code"])
    except (KeyError, TypeError, ValueError):
        raise CassetteError(f"{path}: interaction {index} response status has no numeric code") from None
    headers = resp.get("headers") or {}
    body = _bytes((resp.get("body") or {}).get("string"))
    return Response(status=status, headers=headers, body=_decode(body, headers))


def _bytes(value) -> bytes:
    if value is None:
        return b""
    return value if isinstance(value, bytes) else str(value).encode("utf-8")


def _decode(body: bytes, headers: dict) -> bytes:
    """Undo a recorded content-encoding (vcrpy keeps gzip bodies as recorded)."""
    lowered = {str(k).lower(): v for k, v in headers.items()}
    encoding = lowered.get("content-encoding")
    encoding = (encoding[0] if isinstance(encoding, list) and encoding else encoding or "").lower()
    try:
        if encoding == "gzip":
            return gzip.decompress(body)
        if encoding == "deflate":
            return zlib.decompress(body)
    except (OSError, zlib.error):
        return body  # already decoded by the recorder despite the header
    return body


def dump_cassette(path: Path, interactions: list[dict], provenance: dict) -> None:
    """Write a cassette in vcrpy's layout with provenance in `metadata`."""
    body = {"interactions": interactions, "version": 1, "metadata": {"provenance": provenance}}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(body, sort_keys=False, allow_unicode=True, width=100), encoding="utf-8")
