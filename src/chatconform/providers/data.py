"""ProviderData: the provider data of one run, built once from the TOML files and passed, never global.

Built by ProviderData.load() (the built-in providers/*.toml with the project's chatconform.toml merged over
it) and handed down by whoever runs: the CLI's command, the pytest plugin's session. Two runs in one process
hold two objects and share nothing; the memos below hang off the object whose data they were worked out from.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from chatconform.model.errors import unknown
from chatconform.providers._load import load_providers
from chatconform.providers.profiles import BASE_SHAPE, GENERIC, Deviation, Documented, Profile, make_profile

_MAX_URLS = 4096  # URLs remembered per provider data (a corpus of unique URLs is worked out URL by URL)


@dataclass(frozen=True)
class RunSettings:
    """What the project narrows a run to, and its budget (None: not set in the file)."""

    models: tuple[str, ...] = ()
    providers: tuple[str, ...] = ()
    budget_usd: float | None = None


def _refuse(self: object, *args: object, **kwargs: object) -> None:
    raise TypeError(f"provider data is read-only ({type(self).__name__})")


class FrozenDict(dict[str, Any]):
    """A TOML table that refuses writes, still a dict: every isinstance(x, dict) reading it holds as it did
    (a MappingProxyType did not, and silently hid data such checks look for). Copies are plain and mutable."""

    def __copy__(self) -> dict[str, Any]:
        return dict(self)

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, Any]:
        return {k: copy.deepcopy(v, memo) for k, v in self.items()}

    def __reduce__(self) -> tuple[Any, ...]:
        return (dict, (dict(self),))


class FrozenList(list[Any]):
    """A TOML array that refuses writes, still a list (isinstance(x, list) holds); copies are plain lists."""

    def __copy__(self) -> list[Any]:
        return list(self)

    def __deepcopy__(self, memo: dict[int, Any]) -> list[Any]:
        return [copy.deepcopy(v, memo) for v in self]

    def __reduce__(self) -> tuple[Any, ...]:
        return (list, (list(self),))


for _kind, _writes in (
    (FrozenDict, "__setitem__ __delitem__ __ior__ clear pop popitem setdefault update"),
    (
        FrozenList,
        "__setitem__ __delitem__ __iadd__ __imul__ append extend insert pop remove clear sort reverse",
    ),
):
    for _write in _writes.split():
        setattr(_kind, _write, _refuse)


def frozen(value: Any) -> Any:
    """A read-only copy of TOML data: tables and arrays that refuse writes but read as dicts and lists."""
    if isinstance(value, Mapping):
        return FrozenDict({k: frozen(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return FrozenList(frozen(v) for v in value)
    return value


@dataclass
class _Memo:
    """What the judging asks of the data again and again, worked out once per ProviderData."""

    hosts: dict[str, str] = field(default_factory=dict)  # URL -> the provider that claims it
    deviations: dict[tuple[str, str, str | None, str, str], Deviation | None] = field(default_factory=dict)
    documented: dict[tuple[str, str, str | None], Documented | None] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class ProviderData:
    """Every provider's profile, the project's [run] table and the file it came from; never changed."""

    tables: Mapping[str, Mapping[str, Any]] = field(repr=False)  # name -> the provider's merged table
    run: RunSettings = RunSettings()
    config: str | None = None  # the project file merged in (None: the built-in data alone)
    profiles: Mapping[str, Profile] = field(init=False, repr=False)
    model_fields: tuple[str, ...] = field(
        init=False, repr=False
    )  # body fields that may name the model, in read order
    _memo: _Memo = field(init=False, repr=False)

    def __post_init__(self) -> None:
        profiles = {name: make_profile(name, table) for name, table in self.tables.items()}
        object.__setattr__(self, "profiles", MappingProxyType(profiles))
        fields = ["model", *(s.model_field for p in profiles.values() for s in p.shapes.values())]
        object.__setattr__(self, "model_fields", tuple(dict.fromkeys(fields)))
        object.__setattr__(self, "_memo", _Memo())

    @classmethod
    def load(cls, config_path: str | os.PathLike[str] | None = None, unset_ok: bool = False) -> ProviderData:
        """The data of a run: the built-in files, with the project file (`config_path`, else
        $CHATCONFORM_CONFIG, else found walking up) merged over them; a bad file is one line."""
        return cls.from_merged(load_providers(config_path, unset_ok))

    @classmethod
    def from_merged(cls, data: Mapping[str, Any]) -> ProviderData:
        """The object for merged data as load_providers() returns it."""
        run = data.get("run") or {}
        settings = RunSettings(
            tuple(run.get("models", ())), tuple(run.get("providers", ())), run.get("budget_usd")
        )
        return cls(frozen(data["providers"]), settings, data.get("config"))

    def __contains__(self, name: object) -> bool:
        return name in self.profiles

    def __iter__(self) -> Iterator[str]:
        return iter(self.profiles)

    def get(self, name: str | None) -> Profile | None:
        """The profile with this name (None for a provider the data does not know)."""
        return self.profiles.get(name) if name is not None else None

    def profile(self, name: str) -> Profile:
        """The profile with this name, or a usage error listing the known ones."""
        if name not in self.profiles:
            raise unknown("provider", name, self.profiles)
        return self.profiles[name]

    @property
    def shapes(self) -> tuple[str, ...]:
        """The spec's request shape and every other one the data declares."""
        return (BASE_SHAPE, *sorted({s for p in self.profiles.values() for s in p.shapes}))

    def identify(self, url: str, body: object) -> tuple[str, str | None]:
        """(provider, model) of a request: the provider from the URL, the model from the body."""
        hosts = self._memo.hosts
        provider = hosts.get(url)
        if provider is None:  # every interaction of a cassette asks about the same few URLs: once each
            provider = _provider_of(url, self.profiles.values())
            if len(hosts) < _MAX_URLS:
                hosts[url] = provider
        fields = body if isinstance(body, dict) else {}
        model = next((fields[f] for f in self.model_fields if fields.get(f)), None)
        return provider, model if isinstance(model, str) else None

    def deviation_for(
        self, provider: str, check: str, model: str | None, origin: str, path: str = ""
    ) -> Deviation | None:
        """The known deviation (or declared spec defect) of a provider that covers a failing check, if any."""
        key = (provider, check, model, origin, path)
        memo = self._memo.deviations
        if key not in memo:  # asked for every check of every exchange: worked out once per combination
            profile = self.profiles.get(provider)
            found = profile.deviations if profile else ()
            memo[key] = next((d for d in found if d.covers(check, model, origin, path)), None)
        return memo[key]

    def acknowledgement_for(
        self, provider: str, check: str, model: str | None, origin: str, gaps: Iterable[str] = ()
    ) -> Deviation | None:
        """What acknowledges an unjudged row: one covering its check, else one covering each gap finding."""
        profile = self.profiles.get(provider)
        if profile is None or not profile.acknowledged:
            return None
        said = profile.acknowledged

        def find(name: str) -> Deviation | None:
            return next((a for a in said if a.covers(name, model, origin)), None)

        whole = find(check)
        gaps = list(gaps)
        if whole is not None or not gaps:
            return whole
        each = [find(name) for name in gaps]
        return each[0] if all(each) else None

    def documented_values(self, provider: str | None = None, name: str | None = None) -> list[Documented]:
        """Every documented value, optionally of one provider and one name."""
        return [
            d
            for pname, profile in self.profiles.items()
            if provider in (None, pname)
            for d in profile.documents
            if name in (None, d.name)
        ]

    def documented_value(self, provider: str, name: str, model: str | None) -> Documented | None:
        """The value the provider documents under `name` for this model (the project's declarations first)."""
        key = (provider, name, model)
        memo = self._memo.documented
        if key not in memo:  # every exchange of a model asks the same: worked out once
            profile = self.profiles.get(provider)
            memo[key] = profile.documented(name, model) if profile else None
        return memo[key]

    def contract_value(self, provider: str, name: str, model: str | None) -> Documented | None:
        """The provider's own documented value, else the generic OpenAI-compatible contract's."""
        return self.documented_value(provider, name, model) or self.documented_value(GENERIC, name, model)

    def key_env_names(self) -> tuple[str, ...]:
        """Every environment variable named as a key anywhere in the data (each must be scrubbed)."""
        return tuple(sorted({p.key_env for p in self.profiles.values() if p.key_env}))


def _provider_of(url: str, profiles: Iterable[Profile]) -> str:
    """The provider that claims a URL (none: the generic OpenAI-compatible contract)."""
    # the most specific claim wins: an explicit host:port, then the longest path prefix
    claimed = [p for p in profiles if p.hosts and p.matches(url)]
    claimed.sort(key=lambda p: (any(":" in h for h in p.hosts), len(p.path_prefix)), reverse=True)
    return claimed[0].name if claimed else GENERIC


__all__ = ["ProviderData", "RunSettings", "frozen"]
