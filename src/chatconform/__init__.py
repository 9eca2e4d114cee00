"""chatconform: contract tests for OpenAI-compatible chat-completion providers."""

__version__ = "0.1.0"
