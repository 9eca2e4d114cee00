"""Provider profiles: the provider data in force (built-in TOML + the project file) as objects to call.

Nothing here names a provider or a model: every fact comes from chatconform/providers/*.toml and the
project's chatconform.toml (see chatconform.providers).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from urllib.parse import urlsplit

from chatconform.model.errors import unknown
from chatconform.providers import Documented, configure, covers, current, documented_value, run_settings

GENERIC = "openai-compatible"  # the contract itself: any base URL no provider claims is judged against it
BASE_SHAPE = "spec"


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
    prices_per_mtok: dict = field(
        default_factory=dict
    )  # model or pattern -> (input USD, output USD) per 1M tokens
    price_source: str = ""
    extra_endpoints: dict = field(default_factory=dict)  # name -> path
    deviations: tuple[Deviation, ...] = ()
    aliases: dict = field(default_factory=dict)  # alias id -> the model id the provider answers as
    shapes: dict = field(default_factory=dict)  # name -> Shape, besides the spec's own
    live_shapes: tuple[str, ...] = (BASE_SHAPE,)
    endpoint_auth: dict = field(
        default_factory=dict
    )  # path -> auth style, where an endpoint documents its own
    key_field: str = "key"
    reasoning_models: tuple[str, ...] = ()
    spec: str = (
        ""  # the contract it follows where it documents a call ("": its catalog's, else the dialect's)
    )
    endpoint_contracts: dict = field(default_factory=dict)  # path -> (dialect or "", spec or "") as declared
    acknowledged: tuple[
        Deviation, ...
    ] = ()  # cases that may stay unjudged or unreached, each with its reason

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
        return documented_value(self.name, name, model)


def _deviations(
    data: dict, kinds=(("deviations", "deviation"), ("spec_defects", "spec-defect"))
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


def _profile(name: str, data: dict) -> Profile:
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
    )


class _Profiles(Mapping):
    """name -> Profile for the provider data in force, rebuilt whenever other data is put in force."""

    def __init__(self):
        self._source, self._profiles = None, {}
        self.deviations: dict = {}  # (provider, check, model, origin) -> Deviation | None, for this data
        self.hosts: dict = {}  # URL -> the provider that claims it, for this data
        self.model_fields: tuple = ()  # the body fields that may name the model, in the order they are read

    def _now(self) -> dict:
        data = current()
        if data is not self._source:
            self._profiles = {name: _profile(name, p) for name, p in data["providers"].items()}
            self._source = data
            self.deviations, self.hosts = {}, {}
            self.model_fields = tuple(
                dict.fromkeys(
                    ["model", *(s.model_field for p in self._profiles.values() for s in p.shapes.values())]
                )
            )
        return self._profiles

    def __getitem__(self, name):
        return self._now()[name]

    def __iter__(self):
        return iter(self._now())

    def __len__(self):
        return len(self._now())


PROFILES = _Profiles()


def __getattr__(name: str):
    """`SHAPES`: the spec's request shape and every other one the data in force declares."""
    if name == "SHAPES":
        return (BASE_SHAPE, *sorted({s for p in PROFILES.values() for s in p.shapes}))
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def get_profile(name: str) -> Profile:
    """The profile with this name, or a usage error listing the known ones."""
    if name not in PROFILES:
        raise unknown("provider", name, PROFILES)
    return PROFILES[name]


def identify(url: str, body: dict | None) -> tuple[str, str | None]:
    """(provider, model) of a request: the provider from the URL, the model from the body."""
    profiles = PROFILES._now()  # first: puts the data in force, which empties the memos when it changed
    provider = PROFILES.hosts.get(url)
    if provider is None:  # every interaction of a cassette asks about the same few URLs: worked out once each
        provider = _provider_of(url, profiles.values())
        if len(PROFILES.hosts) < _MAX_URLS:
            PROFILES.hosts[url] = provider
    body = body if isinstance(body, dict) else {}
    model = next((body[f] for f in PROFILES.model_fields if body.get(f)), None)
    return provider, model if isinstance(model, str) else None


_MAX_URLS = 4096  # URLs remembered per provider data (a corpus of unique URLs is worked out URL by URL)


def _provider_of(url: str, profiles) -> str:
    """The provider that claims a URL (none: the generic OpenAI-compatible contract)."""
    # the most specific claim wins: an explicit host:port, then the longest path prefix
    claimed = [p for p in profiles if p.hosts and p.matches(url)]
    claimed.sort(key=lambda p: (any(":" in h for h in p.hosts), len(p.path_prefix)), reverse=True)
    return claimed[0].name if claimed else GENERIC


def deviation_for(
    provider: str, check: str, model: str | None, origin: str, path: str = ""
) -> Deviation | None:
    """The known deviation (or declared spec defect) of a provider that covers a failing check, if one
    does."""
    profiles = PROFILES._now()  # first: puts the data in force, which empties the memo when it changed
    key = (provider, check, model, origin, path)
    memo = PROFILES.deviations
    if key not in memo:  # asked for every check of every exchange: worked out once per combination
        profile = profiles.get(provider)
        memo[key] = (
            next((d for d in profile.deviations if d.covers(check, model, origin, path)), None)
            if profile
            else None
        )
    return memo[key]


def acknowledgement_for(
    provider: str, check: str, model: str | None, origin: str, gaps=()
) -> Deviation | None:
    """What acknowledges an unjudged row: one covering its check, else one covering each of its gap
    findings."""
    profile = PROFILES.get(provider)
    if profile is None or not profile.acknowledged:
        return None

    def find(name: str) -> Deviation | None:
        return next((a for a in profile.acknowledged if a.covers(name, model, origin)), None)

    whole = find(check)
    if whole is not None or not gaps:
        return whole
    each = [find(name) for name in gaps]
    return each[0] if all(each) else None


def build_request(
    profile: Profile,
    model: str,
    body: dict,
    key: str | None,
    base_url: str | None = None,
    shape: str = BASE_SHAPE,
    endpoint: str | None = None,
) -> tuple[str, dict, dict]:
    """(url, headers, body) for a call: the profile's auth style and request shape applied.

    A shape other than the spec's (e.g. a model page's `model_id` + key in the body) comes from the data.
    """
    known = __getattr__("SHAPES")
    if shape not in known:
        raise unknown("request shape", shape, known)
    chosen = profile.shapes.get(shape) or Shape(BASE_SHAPE)  # a shape this provider lacks: its spec's
    url = (base_url or profile.base_url).rstrip("/") + (endpoint or profile.chat_path)
    auth = chosen.auth or profile.endpoint_auth.get(endpoint or "") or profile.auth
    headers = {"content-type": "application/json"}
    body = dict(body)
    if chosen.model_field == "model":
        body.setdefault("model", model)
    else:
        body.pop("model", None)
        body = {chosen.model_field: model, **body}
    if key and auth == "body-key":
        body[chosen.key_field or profile.key_field] = key
    elif key and auth == "x-api-key":
        headers["x-api-key"] = key
    elif key and auth == "bearer":
        headers["authorization"] = f"Bearer {key}"
    return url, headers, body


def price_per_token(profile: Profile, model: str) -> tuple[float, float] | None:
    """(input, output) USD per token from the documented prices, or None when undocumented."""
    prices = profile.prices_per_mtok.get(model) or next(
        (p for pattern, p in profile.prices_per_mtok.items() if model and fnmatchcase(model, pattern)), None
    )
    return (prices[0] / 1e6, prices[1] / 1e6) if prices else None


__all__ = [
    "BASE_SHAPE",
    "Deviation",
    "Documented",
    "GENERIC",
    "PROFILES",
    "Profile",
    "Shape",
    "acknowledgement_for",
    "build_request",
    "configure",
    "deviation_for",
    "documented_value",
    "get_profile",
    "identify",
    "price_per_token",
    "run_settings",
]
