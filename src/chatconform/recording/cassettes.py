"""vcrpy cassettes (YAML) as Exchanges; provenance lives in vcrpy's `metadata` mapping.

Files are read through chatconform.model.inputs (regular files only, C loader, bounded size, depth and alias
expansion), and every interaction is checked here, at the boundary, so nothing past it meets a type it did
not expect. A bad interaction is one line naming the file and its index; the others are still read.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from chatconform.model.exchange import ORIGINS, Exchange, Request, Response
from chatconform.model.inputs import InputError, expect, parse_yaml, read_text
from chatconform.model.stream import StreamTooLong
from chatconform.providers import ProviderData

SUFFIXES = (".yaml", ".yml")
MAX_DECODED_BYTES = 64 * 1024 * 1024  # a gzip body inflating past this is refused (a bomb, not an answer)
_SCALARS = (str, int, float, bool)
_WBITS = {"gzip": 31, "x-gzip": 31, "deflate": 15}  # zlib's window bits: 31 = gzip wrapper, 15 = zlib
_GOOD_URIS: set[str] = set()  # request URIs already found to be absolute http(s) URLs (in this process)
_MAX_GOOD_URIS = 4096


class CassetteError(InputError):
    """A file, or an interaction in it, that cannot be read as a cassette (one line, exit 2)."""


@dataclass
class Cassette:
    """A cassette file: its readable exchanges, where they came from, and what could not be read."""

    path: Path
    exchanges: list[Exchange]
    provenance: dict
    indexes: list[int] = field(default_factory=list)  # each exchange's place among the interactions
    problems: list[str] = field(default_factory=list)  # one line per interaction that could not be read

    def numbered(self) -> list[tuple[int, Exchange]]:
        """(index in the file, exchange) for every readable interaction."""
        return list(zip(self.indexes, self.exchanges, strict=True))


def find_each(paths, skipped: list[str] | None = None) -> list[tuple[Path, list[Path]]]:
    """Each path given, with the cassette files it stands for (itself, or *.yaml/*.yml below a folder, never
    through a symlink out of it, a loop, a FIFO or a device: each of those is a line in `skipped`)."""
    from chatconform.recording.walk import files_below

    out = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = files_below(path, SUFFIXES, skipped if skipped is not None else [])
        else:
            found = [path]  # missing, a FIFO or a device: reported when it is read, in its turn
        out.append((path, found))
    return out


def find_cassettes(paths) -> list[Path]:
    """Cassette files named directly, or found (*.yaml, *.yml) below folders, sorted per folder."""
    return [p for _, found in find_each(paths) for p in found]


def load_cassette(path: Path, data: ProviderData, strict: bool = True) -> Cassette:
    """Read a cassette, each exchange's provider and model named by the run's provider `data`; strict raises
    the first bad interaction, else each is kept in `problems`."""
    try:
        read = parse_yaml(read_text(path, "cassette"), str(path))
        if read is None:
            raise CassetteError(f"{path}: empty file: not a cassette (nothing to judge)")
        if not isinstance(read, dict) or not isinstance(read.get("interactions"), list):
            raise CassetteError(f"{path}: not a cassette (no `interactions` list)")
        provenance = _provenance(path, read.get("metadata"))
    except InputError as err:
        raise CassetteError(str(err)) from None
    cassette = Cassette(path=Path(path), exchanges=[], provenance=provenance)
    for index, item in enumerate(read["interactions"]):
        try:
            exchange = _exchange(f"{path}: interaction {index}", item, provenance, f"{path}#{index}", data)
        except InputError as err:
            if strict:
                raise CassetteError(str(err)) from None
            cassette.problems.append(str(err))
            continue
        cassette.exchanges.append(exchange)
        cassette.indexes.append(index)
    return cassette


def _provenance(path: Path, metadata) -> dict:
    """metadata.provenance checked: an object whose origin, provider and model are strings."""
    if metadata is None:
        return {}
    provenance = expect(metadata, dict, str(path), "metadata").get("provenance")
    if provenance is None:
        return {}
    expect(provenance, dict, str(path), "metadata.provenance")
    for key in ("origin", "provider", "model"):
        if key in provenance:
            expect(provenance[key], str, str(path), f"metadata.provenance.{key}")
    return dict(provenance)


def _exchange(where: str, item, provenance: dict, label: str, data: ProviderData) -> Exchange:
    """One interaction, every field it has checked for type before an Exchange is made of it."""
    item = expect(item, dict, where, "an interaction")
    req = expect(item.get("request"), dict, where, "request")
    request = Request(
        method=_method(req.get("method"), where),
        url=_uri(req.get("uri"), where),
        headers=_headers(req.get("headers"), where, "request.headers"),
        body=_body(req.get("body"), where, "request.body"),
    )
    response = _response(item.get("response"), where)
    provider, model = data.identify(request.url, request.json)
    origin = provenance.get("origin", "cassette")
    exchange = Exchange(
        request=request,
        response=response,
        origin=origin if origin in ORIGINS else "cassette",
        provider=provenance.get("provider", provider),
        model=model or provenance.get("model"),
        label=label,
        provenance=provenance,
    )
    try:
        # parsed once here (cached): a stream past the event cap is this interaction's problem
        _ = exchange.stream
    except StreamTooLong as err:
        raise CassetteError(f"{where}: {err}") from None
    return exchange


def _method(value, where: str) -> str:
    method = expect(value, str, where, "request.method")
    if method.split() != [method]:  # blank, or holds white space
        raise CassetteError(f"{where}: request.method {method[:40]!r} is not an HTTP method")
    return method


def _uri(value, where: str) -> str:
    """An absolute http(s) URL (urlsplit's own ValueError, e.g. for '[', becomes one line)."""
    uri = expect(value, str, where, "request.uri")
    if uri in _GOOD_URIS:
        return uri  # the interactions of a cassette call the same few URLs: each is checked once
    try:
        parts = urlsplit(uri)
        parts.port  # noqa: B018  (raises ValueError on a port that is not a number)
    except ValueError as err:
        raise CassetteError(f"{where}: request.uri {uri[:80]!r} is not a URL ({err})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise CassetteError(f"{where}: request.uri {uri[:80]!r} is not an absolute http(s) URL")
    if len(_GOOD_URIS) < _MAX_GOOD_URIS:
        _GOOD_URIS.add(uri)
    return uri


def _headers(value, where: str, what: str) -> dict:
    """A mapping of name to a value or a list of values, as vcrpy writes headers."""
    if value is None:
        return {}
    headers = expect(value, dict, where, what)
    for name, item in headers.items():
        if type(name) is str and (
            type(item) is str
            or type(item) is list
            and (len(item) == 1 and type(item[0]) is str or all(type(x) is str for x in item))
        ):
            continue  # what vcrpy writes (a list of one value, most often): checked at a glance
        expect(name, _SCALARS, where, f"a name in {what}")
        values = item if isinstance(item, list) else [item]
        for one in values:
            if one is not None:
                expect(one, _SCALARS, where, f"{what}[{str(name)[:40]!r}]")
    return headers  # as given: Request and Response lower the names and join the values once


def _body(value, where: str, what: str) -> bytes:
    """Body text as vcrpy writes it ({string: ...}) or given directly; anything else is one line."""
    if isinstance(value, dict):
        if "string" not in value:
            raise CassetteError(f"{where}: {what} is a mapping without `string` (vcrpy keeps the text there)")
        value = value["string"]
    if value is None:
        return b""
    if isinstance(value, bytes):
        return value
    return expect(value, str, where, what).encode("utf-8", "surrogatepass")


def _response(resp, where: str) -> Response | None:
    """The recorded response; None where a documentation example shows no response."""
    if resp is None:
        return None
    resp = expect(resp, dict, where, "response")
    status = resp.get("status")
    code = status.get("code") if isinstance(status, dict) else status
    if isinstance(code, str) and code.strip().isdigit():
        code = int(code)
    if not isinstance(code, int) or isinstance(code, bool) or not 100 <= code <= 999:
        raise CassetteError(
            f"{where}: response.status.code {str(code)[:40]!r} is not an HTTP status (100-999)"
        )
    response = Response(
        status=code,
        headers=_headers(resp.get("headers"), where, "response.headers"),
        body=_body(resp.get("body"), where, "response.body"),
    )
    encoding = response.headers.get("content-encoding", "").strip().lower()
    response.body = _inflate(response.body, encoding, where)
    return response


def _inflate(body: bytes, encoding: str, where: str) -> bytes:
    """Undo a recorded gzip/deflate encoding, refusing a truncated body or one that inflates past the cap."""
    limit, wbits = MAX_DECODED_BYTES, _WBITS.get(encoding)
    if wbits is None or not body or (wbits == 31 and not body.startswith(b"\x1f\x8b")):
        return body  # not encoded, or already decoded by the recorder despite the header
    out: list[bytes] = []
    size, data = 0, body
    while data:  # a gzip body may hold several members, one after another
        inflater = zlib.decompressobj(wbits)
        try:
            piece = inflater.decompress(data, limit + 1 - size)
        except zlib.error as err:
            if wbits == 15 and not out:
                return body  # not zlib data after all: kept as recorded
            raise CassetteError(f"{where}: response body is not valid {encoding} ({err})") from None
        size += len(piece)
        out.append(piece)
        if size > limit:
            raise CassetteError(f"{where}: {encoding} response body inflates past {limit:,} bytes; refused")
        if not inflater.eof:
            raise CassetteError(f"{where}: {encoding} response body is truncated (it ends mid-stream)")
        data = inflater.unused_data
        if wbits != 31 or not data.startswith(b"\x1f\x8b"):
            break  # padding after the last member is ignored, as clients do
    return b"".join(out)


def dump_cassette(path: Path, interactions: list[dict], provenance: dict) -> None:
    """Write a cassette in vcrpy's layout with provenance in `metadata`."""
    body = {"interactions": interactions, "version": 1, "metadata": {"provenance": provenance}}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(body, sort_keys=False, allow_unicode=True, width=100), encoding="utf-8")
