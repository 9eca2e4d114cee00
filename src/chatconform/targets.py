"""Which targets a live run covers: providers whose key is set, plus any base URL the user names."""

from __future__ import annotations

import os

from chatconform.live import Target
from chatconform.profiles import AIMLAPI, MODELSLAB, get_profile


def live_targets(providers=(), models=(), base_url=None, api_key_env=None) -> list[tuple[Target, str | None]]:
    """(target, reason it cannot run or None) for every provider/model selected."""
    out: list[tuple[Target, str | None]] = []
    if base_url:
        for model in models or ["default"]:
            env = api_key_env or "OPENAI_API_KEY"
            out.append((Target("openai-compatible", model, base_url=base_url, key_env=env), None))
        return out
    for profile in (AIMLAPI, MODELSLAB):
        if providers and profile.name not in providers:
            continue
        missing = None if os.environ.get(profile.key_env) else f"set {profile.key_env} to run {profile.name} live"
        for model in profile.models:
            if models and model not in models:
                continue
            out.append((Target(profile.name, model), missing))
            if profile.name == MODELSLAB.name:
                out.append((Target(profile.name, model, shape="page"), missing))
    return out


def describe(target: Target) -> str:
    """One line naming a target (never its key)."""
    base = target.base_url or get_profile(target.provider).base_url
    return f"{target.provider} {target.model} at {base} (key from ${target.key_env or get_profile(target.provider).key_env})"
