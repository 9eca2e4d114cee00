"""chatconform: contract tests for OpenAI-compatible chat-completion providers."""

__all__ = ["__version__"]

__version__ = "0.1.0"
