"""Documented behaviours: each declared once with the sentence that documents it; load_claims() lists them."""

from chatconform.judging.claims._context import Context, context, release
from chatconform.judging.claims._documented import request_property
from chatconform.judging.claims._modelid import relate
from chatconform.judging.claims._names import refuse_misspelt_deviations
from chatconform.judging.claims._registry import Claim, claim, evaluate
from chatconform.judging.claims.catalog import applicable_claims, load_claims, run_claim

__all__ = [
    "Claim",
    "Context",
    "applicable_claims",
    "claim",
    "context",
    "evaluate",
    "load_claims",
    "refuse_misspelt_deviations",
    "relate",
    "release",
    "request_property",
    "run_claim",
]
