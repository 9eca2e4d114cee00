"""Imports every claim module so that each registers its claims."""

from chatconform.claims import (  # noqa: F401
    anthropic, choices, finish, limits, modelslab, requests, streaming, usage,
)
