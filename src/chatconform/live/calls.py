"""Running the live catalog against a target: budget first, then the call, then an Exchange to judge."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

from chatconform.live.budget import BudgetExhausted, Ledger, actual_cost, default_output_limit, estimate
from chatconform.live.client import CallResult, RetryPolicy, call
from chatconform.live.scenarios import Scenario
from chatconform.providers import BASE_SHAPE, ProviderData, build_request


@dataclass(frozen=True)
class Target:
    """Where a run sends requests: provider profile, model, base URL, key and how the result is tagged."""

    provider: str
    model: str
    base_url: str | None = None
    key_env: str | None = None
    origin: str = "live"
    shape: str = BASE_SHAPE
    headers: tuple = ()

    @property
    def key(self) -> str | None:
        """The API key from the environment variable (never stored anywhere else)."""
        return os.environ.get(self.key_env) if self.key_env else None

    @property
    def id(self) -> str:
        shape = f"-{self.shape}-shape" if self.shape != BASE_SHAPE else ""
        return f"{self.provider}-{self.model.split('/')[-1]}{shape}"


@dataclass
class Outcome:
    """What running one scenario gave: an answered call, an outage, or 'not run' and why."""

    scenario: Scenario
    target: Target
    result: CallResult | None = None
    not_run: str | None = None
    cost_usd: float = 0.0


def run(
    target: Target,
    scenario: Scenario,
    ledger: Ledger | None,
    policy: RetryPolicy | None = None,
    extra_headers: dict | None = None,
    *,
    data: ProviderData,
) -> Outcome:
    """Send one scenario to a target (a provider of the run's `data`), within the budget; never sends once
    the budget is spent."""
    profile = data.profile(target.provider)
    body = scenario.body(target.model)
    endpoint = profile.extra_endpoints.get(scenario.endpoint)  # None: the chat path (the auth is the data's)
    url, headers, shaped = build_request(
        profile,
        target.model,
        body or {},
        target.key,
        target.base_url,
        target.shape if scenario.endpoint == "chat" else BASE_SHAPE,
        endpoint,
        data.shapes,
    )
    headers.update(dict(target.headers), **(extra_headers or {}))
    price = profile.price_per_token(target.model)
    est = estimate(shaped if body else {}, price, default_output_limit(data, target.provider, target.model))
    if ledger is not None:
        try:
            ledger.reserve(est)
        except BudgetExhausted as err:
            return Outcome(scenario, target, not_run=f"not run: {err}")
    method = "GET" if body is None else "POST"
    payload = json.dumps(shaped).encode() if body is not None else b""
    result = call(
        method,
        url,
        headers,
        payload,
        policy=policy,
        origin=target.origin,
        provider=target.provider,
        model=target.model,
        label=f"{target.id}/{scenario.id}",
    )
    if result.exchange is not None:
        result.exchange.provenance.update(scenario.provenance)  # a tool scenario's id: its claim reads it
    usd, tokens = actual_cost(result.exchange.json if result.exchange else None, price)
    if ledger is not None:
        ledger.settle(est, usd, tokens)
    return Outcome(scenario, target, result=result, cost_usd=usd)
