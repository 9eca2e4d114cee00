"""Provider profiles: base URL, endpoints, auth style, request shape, prices, known deviations."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from chatconform.errors import unknown


@dataclass(frozen=True)
class Deviation:
    """A known, accepted departure from the contract: it becomes a strict xfail, never a skip."""

    check: str
    reason: str
    link: str
    models: tuple[str, ...] = ("*",)
    origins: tuple[str, ...] = ("*",)

    def covers(self, check: str, model: str | None, origin: str) -> bool:
        """True when this deviation explains a failure of `check` for this model and origin."""
        return (check == self.check or check.startswith(self.check + "."))\
            and ("*" in self.models or model in self.models)\
            and ("*" in self.origins or origin in self.origins)


@dataclass(frozen=True)
class Profile:
    """How to talk to one provider and what it documents."""

    name: str
    hosts: tuple[str, ...]
    base_url: str
    chat_path: str
    auth: str  # "bearer" | "x-api-key" | "body-key"
    key_env: str
    path_prefix: str = ""
    models: tuple[str, ...] = ()
    prices_per_mtok: dict = field(default_factory=dict)  # model -> (input USD, output USD) per 1M tokens
    price_source: str = ""
    extra_endpoints: dict = field(default_factory=dict)
    deviations: tuple[Deviation, ...] = ()

    def matches(self, url: str) -> bool:
        """True when a URL belongs to this provider."""
        parts = urlsplit(url)
        return parts.hostname in self.hosts and parts.path.startswith(self.path_prefix)


_AIML_PAGE = "https://docs.aimlapi.com/api-references/text-models-llm/google/"
AIMLAPI = Profile(
    name="aimlapi", hosts=("api.aimlapi.com",), base_url="https://api.aimlapi.com",
    chat_path="/v1/chat/completions", auth="bearer", key_env="AIMLAPI_API_KEY",
    models=("google/gemini-2.5-flash", "google/gemini-2.5-pro", "gemini-1.5-flash",
            "google/gemini-2.5-flash-lite-preview"),
    deviations=(
        Deviation("limits.completion_within_max_tokens", models=("google/gemini-2.5-pro",), origins=("docs",),
                  reason="AIML's own documented example reports completion_tokens 44730 for max_tokens 15000",
                  link=_AIML_PAGE + "gemini-2.5-pro"),
        Deviation("model.answered_as_requested", models=("gemini-1.5-flash",),
                  reason="AIML answers `gemini-1.5-flash` as `google/gemini-1.5-flash` (its documented example "
                         "shows the namespaced id)", link=_AIML_PAGE + "gemini-1.5-flash"),
        Deviation("stream.spec-defect",
                  reason="AIML's text/event-stream schema requires a non-null finish_reason and delta role+content "
                         "in every chunk; OpenAI-compatible streams send null until a choice's last chunk",
                  link="https://raw.githubusercontent.com/aimlapi/api-docs/refs/heads/main/docs/api-references/"
                       "text-models-llm/Google/gemini-2.5-flash.json"),
    ),
)

MODELSLAB = Profile(
    name="modelslab", hosts=("modelslab.com",), base_url="https://modelslab.com/api/v7/llm",
    path_prefix="/api/v7/llm", chat_path="/chat/completions", auth="bearer", key_env="MODELSLAB_API_KEY",
    models=("gemini-2.5-flash",),
    prices_per_mtok={"gemini-2.5-flash": (0.30, 2.50)},
    price_source="https://modelslab.com/models/google/gemini-2.5-flash/api.md",
    extra_endpoints={"messages": "/v1/messages", "count_tokens": "/v1/messages/count_tokens",
                     "models": "/v1/models"},
    deviations=(
        Deviation("response.spec-defect",
                  reason="ModelsLab's spec lists finish_reason stop/length/content_filter only, while its "
                         "function-calling page documents finish_reason tool_calls",
                  link="https://docs.modelslab.com/llm-api/function-calling"),
        Deviation("stream.spec-defect",
                  reason="the chunk schema derived from ModelsLab's completion schema inherits the finish_reason "
                         "enum without tool_calls",
                  link="https://docs.modelslab.com/llm-api/function-calling"),
    ),
)

OPENAI_COMPATIBLE = Profile(
    name="openai-compatible", hosts=(), base_url="", chat_path="/chat/completions", auth="bearer",
    key_env="OPENAI_API_KEY",
)

PROFILES = {p.name: p for p in (AIMLAPI, MODELSLAB, OPENAI_COMPATIBLE)}


def get_profile(name: str) -> Profile:
    """The profile with this name, or a usage error listing the known ones."""
    if name not in PROFILES:
        raise unknown("provider", name, PROFILES)
    return PROFILES[name]


def identify(url: str, body: dict | None) -> tuple[str, str | None]:
    """(provider, model) of a request: the provider from the URL, the model from the body."""
    provider = next((p.name for p in PROFILES.values() if p.hosts and p.matches(url)), OPENAI_COMPATIBLE.name)
    body = body if isinstance(body, dict) else {}
    model = body.get("model") or body.get("model_id")  # ModelsLab's model page sends `model_id`
    return provider, model if isinstance(model, str) else None


def deviation_for(provider: str, check: str, model: str | None, origin: str) -> Deviation | None:
    """The known deviation of a provider that covers a failing check, if one does."""
    profile = PROFILES.get(provider)
    return next((d for d in profile.deviations if d.covers(check, model, origin)), None) if profile else None


SHAPES = ("spec", "page")


def build_request(profile: Profile, model: str, body: dict, key: str | None, base_url: str | None = None,
                  shape: str = "spec", endpoint: str | None = None) -> tuple[str, dict, dict]:
    """(url, headers, body) for a call: the profile's auth style and request shape applied.

    ModelsLab documents two shapes: `spec` (model + Authorization: Bearer, its spec and prose) and `page`
    (model_id + key in the body, its model page).
    """
    if shape not in SHAPES:
        raise unknown("request shape", shape, SHAPES)
    url = (base_url or profile.base_url).rstrip("/") + (endpoint or profile.chat_path)
    headers = {"content-type": "application/json"}
    body = dict(body)
    if shape == "page" and profile.name == MODELSLAB.name:
        body.pop("model", None)
        body = {"model_id": model, **body, **({"key": key} if key else {})}
        return url, headers, body
    body.setdefault("model", model)
    if key and profile.auth == "x-api-key":
        headers["x-api-key"] = key
    elif key:
        headers["authorization"] = f"Bearer {key}"
    return url, headers, body


def price_per_token(profile: Profile, model: str) -> tuple[float, float] | None:
    """(input, output) USD per token from the documented prices, or None when undocumented."""
    prices = profile.prices_per_mtok.get(model)
    return (prices[0] / 1e6, prices[1] / 1e6) if prices else None
