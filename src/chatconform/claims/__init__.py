"""Documented behaviours: each declared once with the sentence that documents it; load_claims() lists them."""

from chatconform.claims._context import Context, context
from chatconform.claims._registry import Claim, claim
from chatconform.claims.catalog import applicable_claims, load_claims, run_claim

__all__ = ["Claim", "Context", "applicable_claims", "claim", "context", "load_claims", "run_claim"]
