"""The live-run budget: estimated before each request, accounted from usage after, shared by workers.

The ledger is a JSON file guarded by an exclusive lock, so pytest-xdist workers never overspend together.
"""

from __future__ import annotations

import fcntl
import json
import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from chatconform.providers import ProviderData

# When a provider documents no price, estimates use this conservative one (USD per token, in / out).
UNDOCUMENTED_PRICE = (5.0e-6, 20.0e-6)
DEFAULT_BUDGET_USD = 0.05  # a whole live run, when neither --budget-usd nor the project's [run] sets one
UNDOCUMENTED_LIMIT = 1000  # output tokens assumed when no max_tokens is sent and no default is documented


def budget_limit(data: ProviderData, given: float | None) -> float:
    """The run's cap: the value given on the command line, else the project's [run] budget_usd, else 0.05."""
    if given is not None:
        return float(given)
    configured = data.run.budget_usd
    return float(configured) if configured is not None else DEFAULT_BUDGET_USD


def default_output_limit(data: ProviderData, provider: str, model: str | None) -> int:
    """The output tokens a request without max_tokens may use: the provider's documented default, else
    1000."""
    documented = data.documented_value(provider, "default_max_tokens", model)
    return int(documented.value) if documented else UNDOCUMENTED_LIMIT


class BudgetExhausted(Exception):
    """The next request would exceed the run's budget; it was not sent."""


@dataclass
class Estimate:
    """What a request may cost at most, before it is sent."""

    usd: float
    tokens: int


def estimate(
    body: dict, price: tuple[float, float] | None, default_limit: int = UNDOCUMENTED_LIMIT
) -> Estimate:
    """Worst case for a request: prompt chars/3 as tokens, plus the output limit in force, times n."""
    price = price or UNDOCUMENTED_PRICE
    prompt = len(json.dumps(body.get("messages", body))) // 3 + 1
    limit = (
        body.get("max_completion_tokens")
        or body.get("max_tokens")
        or body.get("max_output_tokens")
        or default_limit
    )
    n = body["n"] if isinstance(body.get("n"), int) and body["n"] > 0 else 1
    output = int(limit) * n if isinstance(limit, (int, float)) else default_limit
    return Estimate(usd=prompt * price[0] + output * price[1], tokens=prompt + output)


def actual_cost(response_json, price: tuple[float, float] | None) -> tuple[float, int]:
    """(USD, tokens) of an answered request: AIML's meta.usage.usd_spent when present, else usage x price."""
    body = response_json if isinstance(response_json, dict) else {}
    usage = body["usage"] if isinstance(body.get("usage"), dict) else {}
    prompt = usage.get("prompt_tokens") or usage.get("input_tokens") or 0
    output = usage.get("completion_tokens") or usage.get("output_tokens") or 0
    spent = (
        ((body.get("meta") or {}).get("usage") or {}).get("usd_spent")
        if isinstance(body.get("meta"), dict)
        else None
    )
    price = price or UNDOCUMENTED_PRICE
    usd = float(spent) if isinstance(spent, (int, float)) else prompt * price[0] + output * price[1]
    return usd, int(prompt) + int(output)


class Ledger:
    """A run's spend, in a file every worker shares."""

    def __init__(self, path: Path, limit_usd: float):
        self.path, self.limit_usd = Path(path), float(limit_usd)
        self.path.parent.mkdir(parents=True, exist_ok=True)

    @contextmanager
    def _locked(self):
        with open(self.path.with_suffix(".lock"), "a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                state = json.loads(self.path.read_text()) if self.path.exists() else {}
                state.setdefault("spent_usd", 0.0)
                state.setdefault("reserved_usd", 0.0)
                state.setdefault("tokens", 0)
                state.setdefault("requests", 0)
                state.setdefault("refused", 0)
                yield state
                tmp = self.path.with_suffix(f".{os.getpid()}.tmp")
                tmp.write_text(json.dumps(state))
                tmp.replace(self.path)
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def reserve(self, est: Estimate) -> None:
        """Hold the estimate against the budget, or raise BudgetExhausted without sending anything."""
        refused = None
        with self._locked() as state:
            if state["spent_usd"] + state["reserved_usd"] + est.usd > self.limit_usd:
                state["refused"] += 1
                refused = (
                    f"budget ${self.limit_usd:.4f} would be exceeded (spent "
                    f"${state['spent_usd']:.4f}, this request up to ${est.usd:.4f})"
                )
            else:
                state["reserved_usd"] += est.usd
        if refused:
            raise BudgetExhausted(refused)

    def settle(self, est: Estimate, usd: float, tokens: int) -> None:
        """Replace a reservation by what the request really cost."""
        with self._locked() as state:
            state["reserved_usd"] = max(0.0, state["reserved_usd"] - est.usd)
            state["spent_usd"] += usd
            state["tokens"] += tokens
            state["requests"] += 1

    def snapshot(self) -> dict:
        """The spend so far."""
        with self._locked() as state:
            return dict(state, limit_usd=self.limit_usd)
