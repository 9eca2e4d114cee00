"""Where the claims' quotes live: named documents from chatconform/data/claim_sources.toml, plus pointers."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path

DATA = Path(str(resources.files("chatconform").joinpath("data", "claim_sources.toml")))


def _documents() -> dict[str, str]:
    """name -> pinned path (or page) of every document a built-in claim quotes."""
    return tomllib.loads(DATA.read_text(encoding="utf-8"))["documents"]


DOCUMENTS = _documents()
_CHAT = "#/paths/~1v1~1chat~1completions/post"
AIML_SPEC = DOCUMENTS["aimlapi_spec"]
AIML_FLASH_DOC = DOCUMENTS["aimlapi_page"]  # the page about reasoning models' token limits, quoted for all
AIML_SEED_PAGE = DOCUMENTS["aimlapi_seed_page"]
AIML_REQ = AIML_SPEC + _CHAT + "/requestBody/content/application~1json/schema/properties/"
AIML_RESP = AIML_SPEC + _CHAT + "/responses/200/content/application~1json/schema/properties/"
OPENAI_SPEC = DOCUMENTS["openai_spec"]
ML_CHAT_DOC = DOCUMENTS["modelslab_chat_page"]
ANTHROPIC_SPEC = DOCUMENTS["anthropic_spec"]
ANTHROPIC_PARAMS = ANTHROPIC_SPEC + "#/components/schemas/CreateMessageParams/properties/"
ANTHROPIC_MESSAGE = ANTHROPIC_SPEC + "#/components/schemas/Message/properties/"
