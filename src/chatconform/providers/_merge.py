"""A project file merged over the built-in provider data: ${VAR} in URLs, defaults, cross-checks."""

from __future__ import annotations

import copy
import difflib
import os
import re
from urllib.parse import urlsplit

from chatconform.model.inputs import InputError
from chatconform.providers._validate import key_path

# Facts accumulate (a user adds a model or a host); declarations a user makes come before the built-in
# ones, so theirs are found first; everything else a user sets replaces the built-in value.
UNION_LISTS = ("models", "hosts", "reasoning_models")
ENTRY_LISTS = ("prices", "documented", "spec_defects", "deviations", "acknowledged")
URL_FIELDS = ("base_url", "hosts")
DEFAULTS = {
    "description": "",
    "spec": "",
    "base_url": "",
    "chat_path": "/chat/completions",
    "auth": "bearer",
    "key_env": "",
    "key_field": "key",
    "models": [],
    "aliases": {},
    "reasoning_models": [],
    "live_shapes": ["spec"],
    "endpoints": {},
    "shapes": {},
    "prices": [],
    "documented": [],
    "spec_defects": [],
    "deviations": [],
    "acknowledged": [],
}
BASE_SHAPE = "spec"  # the request shape of the provider's spec: `model` in the body, the key per `auth`
_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


def substitute_env(data: dict, where: str, unset_ok: bool = False) -> dict:
    """${VAR} (or ${VAR:-default}) in every provider's URLs replaced from the environment; with unset_ok, a
    URL naming a variable that is not set is left out (unknown), the variable remembered in `unset_env`."""
    for name, provider in (data.get("providers") or {}).items():
        for field in URL_FIELDS:
            values = provider.get(field)
            if not isinstance(values, (str, list)):
                continue
            expanded = []
            for i, value in enumerate([values] if isinstance(values, str) else values):
                place = ["providers", name, field, *([i] * isinstance(values, list))]
                try:
                    expanded.append(_expand(value, where, place))
                except _Unset as err:
                    if not unset_ok:
                        raise
                    provider.setdefault("unset_env", []).append(err.name)
            provider[field] = expanded if isinstance(values, list) else (expanded[0] if expanded else "")
    return data


class _Unset(InputError):
    """A ${VAR} that is not set and has no default."""

    def __init__(self, message: str, name: str):
        super().__init__(message)
        self.name = name


def _expand(text: str, where: str, path) -> str:
    def one(match: re.Match) -> str:
        value = os.environ.get(match.group(1))
        if value is None and match.group(2) is None:
            raise _Unset(
                f"{where}: {key_path(path)}: ${{{match.group(1)}}} is not set (export it, or write "
                f"${{{match.group(1)}:-default}})",
                match.group(1),
            )
        return value if value is not None else match.group(2)

    return _VAR.sub(one, text)


def tag(data: dict, declared_in: str) -> dict:
    """Every provider and declaration (price, documented value, spec defect, deviation) remembers its file."""
    for provider in (data.get("providers") or {}).values():
        provider["declared_in"] = declared_in
        for field in ENTRY_LISTS:
            for entry in provider.get(field) or []:
                entry["declared_in"] = declared_in
    return data


def merge(base: dict, over: dict, where: str) -> dict:
    """`over` merged into a copy of `base` (both already validated); a new provider needs a base URL."""
    out = copy.deepcopy(base)
    providers = out.setdefault("providers", {})
    for name, provider in (over.get("providers") or {}).items():
        if name not in providers and not provider.get("base_url") and not provider.get("unset_env"):
            close = difflib.get_close_matches(name, sorted(providers), n=1, cutoff=0.6)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise InputError(
                f"{where}: providers.{name}: unknown provider; {hint}(a new provider needs base_url; "
                f"known: {', '.join(sorted(providers))})"
            )
        providers[name] = (
            _merge_provider(providers[name], provider) if name in providers else copy.deepcopy(provider)
        )
    out["run"] = {**out.get("run", {}), **copy.deepcopy(over.get("run", {}))}
    return out


def _merge_provider(base: dict, over: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in over.items():
        if key == "declared_in":  # a provider stays declared where it was first declared
            continue
        if key in UNION_LISTS:
            out[key] = [*out.get(key, []), *(v for v in value if v not in out.get(key, []))]
        elif key in ENTRY_LISTS:
            out[key] = [*copy.deepcopy(value), *out.get(key, [])]
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge_dict(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _merge_dict(base: dict, over: dict) -> dict:
    out = dict(base)
    for key, value in over.items():
        both = isinstance(value, dict) and isinstance(out.get(key), dict)
        out[key] = _merge_dict(out[key], value) if both else copy.deepcopy(value)
    return out


def complete(data: dict, where: str) -> dict:
    """Defaults filled in (hosts and path prefix from the base URL) and the data checked as a whole."""
    for name, provider in data.get("providers", {}).items():
        _fill(name, provider, where)
    _check_run(data, where)
    return data


def _fill(name: str, provider: dict, where: str) -> None:
    for key, value in DEFAULTS.items():
        provider.setdefault(key, copy.deepcopy(value))
    parts = urlsplit(provider["base_url"])
    if provider["base_url"] and not (parts.scheme in ("http", "https") and parts.hostname):
        raise InputError(
            f"{where}: providers.{name}.base_url: must be an http(s) URL once ${{...}} is expanded"
        )
    if not provider.get("hosts"):
        provider["hosts"] = (
            [f"{parts.hostname}:{parts.port}" if parts.port else parts.hostname] if parts.hostname else []
        )
    provider.setdefault("path_prefix", parts.path.rstrip("/"))
    for index, shape in enumerate(provider["live_shapes"]):
        if shape != BASE_SHAPE and shape not in provider["shapes"]:
            known = [BASE_SHAPE, *provider["shapes"]]
            raise InputError(
                f"{where}: providers.{name}.live_shapes[{index}]: no shape {shape!r}; "
                f"known: {', '.join(known)}"
            )


def _check_run(data: dict, where: str) -> None:
    """[run] may only name providers and models the data knows (a typo would silently run nothing)."""
    run, providers = data.get("run", {}), data.get("providers", {})
    known_models = {m for p in providers.values() for m in [*p["models"], *p["aliases"]]}
    for field, known in (("providers", set(providers)), ("models", known_models)):
        for index, value in enumerate(run.get(field, [])):
            if value not in known:
                close = difflib.get_close_matches(value, sorted(known), n=1, cutoff=0.6)
                hint = (
                    f"did you mean {close[0]!r}?"
                    if close
                    else f"add it to a provider's {field}"
                    if field == "models"
                    else f"known: {', '.join(sorted(known))}"
                )
                raise InputError(f"{where}: run.{field}[{index}]: {value!r} is not known; {hint}")
