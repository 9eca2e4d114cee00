"""Documented behaviours: each declared once with the sentence that documents it."""

from chatconform.claims._registry import CLAIMS, Claim, applicable_claims, claim, claim_findings, run_claim

__all__ = ["CLAIMS", "Claim", "applicable_claims", "claim", "claim_findings", "run_claim"]
