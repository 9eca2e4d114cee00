"""Imports every claim module so that each registers its claims."""

from chatconform.claims import (  # noqa: F401
    anthropic, choices, finish, limits, model, modelslab, requests, streaming, usage,
)
from chatconform.claims import docs_pages  # noqa: F401,E402  (reads the provenance `catalog examples` writes)
