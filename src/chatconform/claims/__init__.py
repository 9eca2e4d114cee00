"""Documented behaviours: each declared once with the sentence that documents it."""

from chatconform.claims._registry import CLAIMS, Claim, claim, claim_findings

__all__ = ["CLAIMS", "Claim", "claim", "claim_findings"]
