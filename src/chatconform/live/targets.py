"""Which targets a live run covers: providers whose key is set, plus any base URL the user names.

With no --provider/--model given, the project file's [run] providers/models narrow the run.
"""

from __future__ import annotations

import os

from chatconform.live.calls import Target
from chatconform.providers import GENERIC, ProviderData


def live_targets(
    data: ProviderData, providers=(), models=(), base_url=None, api_key_env=None
) -> list[tuple[Target, str | None]]:
    """(target, reason it cannot run or None) for every provider/model of the run's data selected."""
    providers, models = tuple(providers) or data.run.providers, tuple(models) or data.run.models
    out: list[tuple[Target, str | None]] = []
    if base_url:
        for model in models or ["default"]:
            env = api_key_env or data.profile(GENERIC).key_env
            out.append((Target(GENERIC, model, base_url=base_url, key_env=env), None))
        return out
    for profile in data.profiles.values():
        if not profile.base_url or (providers and profile.name not in providers):
            continue
        missing = _missing_key(profile)
        for model in profile.models:
            if models and model not in models:
                continue
            out += [
                (Target(profile.name, model, key_env=profile.key_env, shape=shape), missing)
                for shape in profile.live_shapes
            ]
    return out


def _missing_key(profile) -> str | None:
    """Why a provider cannot run live (its key variable is unset), or None."""
    if not profile.key_env or os.environ.get(profile.key_env):
        return None
    return f"set {profile.key_env} to run {profile.name} live"


def describe(target: Target, data: ProviderData) -> str:
    """One line naming a target (never its key)."""
    base = target.base_url or data.profile(target.provider).base_url
    key_env = target.key_env or data.profile(target.provider).key_env
    return (
        f"{target.provider} {target.model} at {base} (key from ${key_env})"
        if key_env
        else f"{target.provider} {target.model} at {base} (no key)"
    )


__all__ = ["describe", "live_targets"]
