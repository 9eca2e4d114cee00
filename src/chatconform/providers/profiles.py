"""Provider profiles: one provider's merged data (built-in TOML + the project file) as an object to call.

Nothing here names a provider or a model: every fact comes from chatconform/providers/*.toml and the
project's chatconform.toml, read into one ProviderData per run (see chatconform.providers.data).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any
from urllib.parse import urlsplit

from chatconform.model.errors import unknown

GENERIC = "openai-compatible"  # the contract itself: any base URL no provider claims is judged against it
BASE_SHAPE = "spec"


def covers(patterns: Iterable[str] | None, model: str | None) -> bool:
    """True when a model id matches one of the ids or shell-style patterns ('*': every model, even none)."""
    patterns = tuple(patterns or ("*",))
    return "*" in patterns or (model is not None and any(fnmatchcase(model, p) for p in patterns))


@dataclass(frozen=True)
class Documented:
    """A value a provider's document states, with the verbatim sentence and where it is."""

    value: Any
    says: str
    source: str
    name: str = ""
    provider: str = ""
    models: tuple[str, ...] = ("*",)
    declared_in: str = ""


@dataclass(frozen=True)
class Deviation:
    """A known, accepted departure from the contract: it becomes a strict xfail, never a skip."""

    check: str
    reason: str
    link: str
    models: tuple[str, ...] = ("*",)
    origins: tuple[str, ...] = ("*",)
    kind: str = "deviation"  # or "spec-defect": the provider's published spec is what is wrong
    declared_in: str = ""
    paths: tuple[str, ...] = ("*",)  # the endpoints (URL path endings) it is declared for
    sometimes: bool = False  # shows on some exchanges only (what a model generated decides): never stale
    everywhere: bool = False  # declared for every model and origin, on purpose: named in every report

    def covers(self, check: str, model: str | None, origin: str, path: str = "") -> bool:
        """True when this deviation explains a failure of `check` for this model, origin and endpoint."""
        return (
            (check == self.check or check.startswith(self.check + "."))
            and covers(self.models, model)
            and ("*" in self.origins or origin in self.origins)
            and ("*" in self.paths or any(path.rstrip("/").endswith(p) for p in self.paths))
        )


@dataclass(frozen=True)
class Shape:
    """How a request carries the model and the key (the spec's shape, or another one a page documents)."""

    name: str
    model_field: str = "model"
    auth: str | None = None  # None: the provider's auth
    key_field: str | None = None


@dataclass(frozen=True)
class Profile:
    """How to talk to one provider and what it documents."""

    name: str
    hosts: tuple[str, ...]
    base_url: str
    chat_path: str
    auth: str  # "bearer" | "x-api-key" | "body-key" | "none"
    key_env: str
    path_prefix: str = ""
    models: tuple[str, ...] = ()
    # model or pattern -> (input USD, output USD) per 1M tokens
    prices_per_mtok: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    price_source: str = ""
    extra_endpoints: Mapping[str, str] = field(default_factory=dict)  # name -> path
    deviations: tuple[Deviation, ...] = ()
    aliases: Mapping[str, str] = field(default_factory=dict)  # alias id -> the model id it answers as
    shapes: Mapping[str, Shape] = field(default_factory=dict)  # name -> Shape, besides the spec's own
    live_shapes: tuple[str, ...] = (BASE_SHAPE,)
    endpoint_auth: Mapping[str, str] = field(default_factory=dict)  # path -> its own auth style
    key_field: str = "key"
    reasoning_models: tuple[str, ...] = ()
    spec: str = (
        ""  # the contract it follows where it documents a call ("": its catalog's, else the dialect's)
    )
    # path -> (dialect or "", spec or "") as declared
    endpoint_contracts: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    acknowledged: tuple[
        Deviation, ...
    ] = ()  # cases that may stay unjudged or unreached, each with its reason
    documents: tuple[Documented, ...] = ()  # its documented values, the project's declarations first

    def contract_of(self, path: str) -> tuple[str, str]:
        """(dialect, spec) the data declares for the endpoint a URL path ends with ("" where it says
        nothing)."""
        path = path.rstrip("/")
        found = [(p, c) for p, c in self.endpoint_contracts.items() if path.endswith(p.rstrip("/"))]
        return max(found, key=lambda pc: len(pc[0]))[1] if found else ("", "")

    def matches(self, url: str) -> bool:
        """True when a URL belongs to this provider (host, or host:port when one is declared)."""
        parts = urlsplit(url)
        netloc = f"{parts.hostname}:{parts.port}" if parts.port else parts.hostname
        return (parts.hostname in self.hosts or netloc in self.hosts) and parts.path.startswith(
            self.path_prefix
        )

    def documented(self, name: str, model: str | None) -> Documented | None:
        """The value this provider documents under `name` for a model."""
        return next((d for d in self.documents if d.name == name and covers(d.models, model)), None)

    def price_per_token(self, model: str) -> tuple[float, float] | None:
        """(input, output) USD per token from the documented prices, or None when undocumented."""
        prices = self.prices_per_mtok.get(model) or next(
            (p for pattern, p in self.prices_per_mtok.items() if model and fnmatchcase(model, pattern)), None
        )
        return (prices[0] / 1e6, prices[1] / 1e6) if prices else None


def _deviations(
    data: Mapping[str, Any],
    kinds: tuple[tuple[str, str], ...] = (("deviations", "deviation"), ("spec_defects", "spec-defect")),
) -> tuple[Deviation, ...]:
    return tuple(
        Deviation(
            d["check"],
            d["reason"],
            d["link"],
            tuple(d.get("models", ("*",))),
            tuple(d.get("origins", ("*",))),
            kind,
            d.get("declared_in", ""),
            tuple(d.get("paths", ("*",))),
            d.get("sometimes", False),
            d.get("everywhere", False),
        )
        for key, kind in kinds
        for d in data.get(key, ())
    )


def _documents(name: str, data: Mapping[str, Any]) -> tuple[Documented, ...]:
    return tuple(
        Documented(
            d["value"],
            d["says"],
            d["source"],
            d["name"],
            name,
            tuple(d.get("models", ["*"])),
            d.get("declared_in", ""),
        )
        for d in data["documented"]
    )


def make_profile(name: str, data: Mapping[str, Any]) -> Profile:
    """One Profile from one provider's merged data."""
    prices = {
        m: (p["input_per_mtok"], p["output_per_mtok"]) for p in reversed(data["prices"]) for m in p["models"]
    }
    shapes = {
        n: Shape(n, s.get("model_field", "model"), s.get("auth"), s.get("key_field"))
        for n, s in data["shapes"].items()
    }
    return Profile(
        name=name,
        hosts=tuple(data["hosts"]),
        base_url=data["base_url"],
        chat_path=data["chat_path"],
        auth=data["auth"],
        key_env=data["key_env"],
        path_prefix=data["path_prefix"],
        models=tuple(data["models"]),
        prices_per_mtok=prices,
        price_source=data["prices"][0]["source"] if data["prices"] else "",
        extra_endpoints={n: e["path"] for n, e in data["endpoints"].items()},
        deviations=_deviations(data),
        aliases=dict(data["aliases"]),
        shapes=shapes,
        live_shapes=tuple(data["live_shapes"]),
        endpoint_auth={e["path"]: e["auth"] for e in data["endpoints"].values() if e.get("auth")},
        key_field=data["key_field"],
        reasoning_models=tuple(data["reasoning_models"]),
        spec=data["spec"],
        endpoint_contracts={
            e["path"]: (e.get("dialect", ""), e.get("spec", ""))
            for e in data["endpoints"].values()
            if e.get("dialect") or e.get("spec")
        },
        acknowledged=_deviations(data, (("acknowledged", "acknowledged"),)),
        documents=_documents(name, data),
    )


def build_request(
    profile: Profile,
    model: str,
    body: Mapping[str, Any],
    key: str | None,
    base_url: str | None = None,
    shape: str = BASE_SHAPE,
    endpoint: str | None = None,
    known: Iterable[str] = (BASE_SHAPE,),
) -> tuple[str, dict[str, str], dict[str, Any]]:
    """(url, headers, body) for a call: the profile's auth style and request shape applied.

    A shape other than the spec's (e.g. a model page's `model_id` + key in the body) comes from the data;
    `known` is every shape the run's data declares (ProviderData.shapes): a shape this provider lacks is
    sent in its spec's, a shape nobody declares is a usage error.
    """
    known = (BASE_SHAPE, *known, *profile.shapes)
    if shape not in known:
        raise unknown("request shape", shape, sorted(set(known)))
    chosen = profile.shapes.get(shape) or Shape(BASE_SHAPE)  # a shape this provider lacks: its spec's
    url = (base_url or profile.base_url).rstrip("/") + (endpoint or profile.chat_path)
    auth = chosen.auth or profile.endpoint_auth.get(endpoint or "") or profile.auth
    headers = {"content-type": "application/json"}
    out = dict(body)
    if chosen.model_field == "model":
        out.setdefault("model", model)
    else:
        out.pop("model", None)
        out = {chosen.model_field: model, **out}
    if key and auth == "body-key":
        out[chosen.key_field or profile.key_field] = key
    elif key and auth == "x-api-key":
        headers["x-api-key"] = key
    elif key and auth == "bearer":
        headers["authorization"] = f"Bearer {key}"
    return url, headers, out


def price_per_token(profile: Profile, model: str) -> tuple[float, float] | None:
    """(input, output) USD per token from the documented prices, or None when undocumented."""
    return profile.price_per_token(model)


__all__ = [
    "BASE_SHAPE",
    "Deviation",
    "Documented",
    "GENERIC",
    "Profile",
    "Shape",
    "build_request",
    "covers",
    "make_profile",
    "price_per_token",
]
