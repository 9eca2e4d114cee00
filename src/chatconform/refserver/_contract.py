"""What the reference provider serves: one contract per provider in the data, and what each accepts.

A contract is a provider of the server's provider data served under its own path prefix
(`/<name><path prefix>`); the generic provider is OpenAI's own contract, served as `openai` at the `/v1`
base OpenAI clients expect. Its routes are the provider's chat path and the endpoints its data declares, each
in the dialect the data (or else its path) says; the generic contract, whose paths imply their contract,
serves every dialect's paths.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from chatconform.dialects import (
    Dialect,
    dialect_named,
    load_dialects,
    recognise,
)
from chatconform.dialects import (
    contracts as named_contracts,
)
from chatconform.judging.validators import validator_for
from chatconform.model.errors import ChatconformError, unknown
from chatconform.model.exchange import Request
from chatconform.providers import GENERIC, Profile, ProviderData
from chatconform.refserver._reading import Rules, limit_refusals, rules_for, schema_refusals
from chatconform.specs import LoadedSpec, Operation, SpecStore

MAX_N = 128
GENERIC_CONTRACT = "openai"
CHAT = "chat"


@dataclass(frozen=True)
class Contract:
    """One provider as the reference serves it: its name in URLs, its profile, its path prefix."""

    name: str
    profile: Profile
    prefix: str
    data: ProviderData = field(
        compare=False, repr=False
    )  # the server's provider data (the rules come from it)

    @property
    def provider(self) -> str:
        return self.profile.name

    def endpoint(self, rest: str) -> str | None:
        """The endpoint a path (after the prefix) reaches: "chat", a declared endpoint's name, or None."""
        if rest == self.profile.chat_path:
            return CHAT
        return next((name for name, path in self.profile.extra_endpoints.items() if path == rest), None)

    def dialect_of(self, rest: str) -> Dialect | None:
        """The dialect of the endpoint a path (after the prefix) reaches (None: nothing is served there)."""
        if rest == self.profile.chat_path:
            return dialect_named("openai-chat")
        declared = next((path for path in self.profile.extra_endpoints.values() if path == rest), None)
        if declared is None and self.profile.name != GENERIC:
            return None
        named = self.profile.contract_of(declared)[0] if declared else ""
        url = "http://reference" + self.prefix + rest
        return dialect_named(named) if named else recognise(Request("POST", url))

    def client_base(self, dialect: str | None) -> str:
        """The path a client of `dialect` takes as its base: where the contract serves the dialect, less the
        path the client adds itself (its dialect's path: OpenAI's SDK adds /chat/completions or /responses,
        Anthropic's /v1/messages). Without a dialect: the prefix."""
        if dialect is None:
            return self.prefix
        adds = dialect_named(dialect).facts.paths[0]
        served = [
            p
            for p in (self.profile.chat_path, *self.profile.extra_endpoints.values())
            if p.endswith(adds) and self.dialect_of(p) is dialect_named(dialect)
        ]
        if served or self.profile.name != GENERIC:
            return self.prefix + (served[0][: len(served[0]) - len(adds)] if served else "")
        # the generic contract serves a dialect at any path that ends with its own: said once, not twice
        have, path = self.prefix.strip("/").split("/"), adds.strip("/").split("/")
        overlap = next((k for k in range(min(len(have), len(path)), 0, -1) if have[-k:] == path[:k]), 0)
        return "/" + "/".join(have[: len(have) - overlap])

    def model_of(self, body) -> str | None:
        """The model a chat body names: `model`, or the model field of a request shape the data declares."""
        if not isinstance(body, dict):
            return None
        fields = ["model", *(s.model_field for s in self.profile.shapes.values())]
        return next((body[f] for f in fields if body.get(f)), None)

    def body_key_fields(self) -> set[str]:
        """Body fields a chat request may carry the key in (a shape, or the provider, declaring body-key)."""
        fields = {
            s.key_field or self.profile.key_field
            for s in self.profile.shapes.values()
            if s.auth == "body-key"
        }
        return fields | ({self.profile.key_field} if self.profile.auth == "body-key" else set())

    def rules(self, model: str | None) -> Rules:
        return rules_for(self.data, self.provider, model)


def contracts(data: ProviderData) -> dict[str, Contract]:
    """Every provider of the server's data, by contract name (a provider's own name serves too)."""
    out = {}
    for profile in data.profiles.values():
        if profile.name == GENERIC:  # (under its own name when a project declares a provider named `openai`)
            name = profile.name if GENERIC_CONTRACT in data else GENERIC_CONTRACT
            out[name] = Contract(name, profile, f"/{name}/v1", data)
        else:
            out[profile.name] = Contract(profile.name, profile, _prefix(profile), data)
    return out


def _prefix(profile: Profile) -> str:
    """`/<name><path of the base URL>`; a base URL already pointing at this server's route for the provider
    (`${ACME_BASE_URL}` set to what `serve` printed, `.../acme/v1`) is not prefixed twice
    (`/acme/acme/v1`)."""
    own = f"/{profile.name}"
    path = profile.path_prefix
    return path if path == own or path.startswith(own + "/") else own + path


def contract_named(name: str, data: ProviderData) -> Contract:
    """The contract of this name (or of the provider of this name), else a usage error naming the known
    ones."""
    known = contracts(data)
    found = known.get(name) or next((c for c in known.values() if c.provider == name), None)
    if found is None:
        raise unknown("contract", name, known)
    return found


def route(path: str, data: ProviderData) -> tuple[Contract | None, str]:
    """(contract, the rest of the path) for a request path; the longest prefix wins."""
    bare = path.split("?")[0]
    for contract in sorted(contracts(data).values(), key=lambda c: len(c.prefix), reverse=True):
        if bare.startswith(contract.prefix + "/"):
            return contract, bare[len(contract.prefix) :]
    return None, bare


def served_specs(catalog, profile: Profile) -> list:
    """The specs of the models the data lists for a provider, and its spec for any model."""
    # (the catalog may hold hundreds more: a request for one of those loads it then)
    found = (catalog.spec_for(profile.name, model) for model in (*profile.models, None))
    return list(dict.fromkeys(source for source in found if source is not None))


def warm(store, data: ProviderData) -> None:
    """Load the data, each contract's specs and their request schemas (chat's, and the generation request of
    every other dialect the generic contract serves) now, not on a first request.

    Loading OpenAI's spec and compiling its request schema takes seconds on a busy machine: a client's read
    timeout would expire on the first request a new server answers.
    """
    for contract in contracts(data).values():
        for source in served_specs(store.catalog, contract.profile):
            _compile(store, source, contract.prefix + contract.profile.chat_path)
    for dialect in load_dialects().values():
        _compile(store, _contract_source(store, dialect), dialect.facts.paths[0])


def _compile(store, source, path: str) -> None:
    try:
        spec = store.load(source) if source is not None else None
        op = spec.find_operation("post", path) if spec else None
        if spec and op and op.request_schema:
            validator_for(spec, op.request_schema)
    except ChatconformError:
        pass  # a missing or broken spec is reported where a request needs it


def _contract_source(store, dialect: Dialect):
    """The pinned source of the contract a dialect falls back to (None: not in this catalog)."""
    wanted = named_contracts()[dialect.facts.contract].source
    return next((s for s in store.catalog.sources if s.id == wanted and s.kind == "spec"), None)


def problems(contract: Contract, path: str, body, store) -> list[str]:
    """Why a chat request is outside the contract ([] when it is a valid request)."""
    if not isinstance(body, dict):
        return ["the body is not a JSON object"]
    model = contract.model_of(body)
    if not isinstance(model, str) or not model:
        return ["`model` is required"]
    if not isinstance(body.get("messages"), list):
        return ["`messages` must be an array"]  # may it be empty? the spec decides (OpenAI's: minItems 1)
    if store.catalog.spec_for(contract.provider, model) is None and store.catalog.models_of(
        contract.provider
    ):
        return [f"model {model!r} is not served here"]  # a spec per model is published, none for this one
    found = limit_refusals(body, contract.rules(model)) + schema_problems(
        contract, dialect_named("openai-chat"), path, body, store, model
    )
    n = body.get("n")
    if n is not None and (not isinstance(n, int) or isinstance(n, bool) or n < 1):
        found.append("n must be an integer >= 1")
    elif isinstance(n, int) and n > MAX_N:
        # AIML documents no maximum; OpenAI's spec says 128. Found by fuzzing: n=525016 stalled the server.
        found.append(f"n must be at most {MAX_N}")
    return found


def judging_operation(
    contract: Contract, dialect: Dialect, path: str, model: object, store: SpecStore
) -> tuple[LoadedSpec, Operation] | tuple[None, None]:
    """(spec, operation) that judges a call, as the judge routes it: the provider's spec where it documents
    the path, else the dialect's own contract's ((None, None): none documents it)."""
    spec = store.spec_or_none(contract.provider, model if isinstance(model, str) else None)
    op = spec.find_operation("post", path) if spec else None
    if op is None:
        try:
            source = _contract_source(store, dialect)
            spec = store.load(source) if source is not None else None
        except ChatconformError:
            spec = None  # a missing spec is reported where the exchange is judged
        op = spec.find_operation("post", path) if spec else None
    return (spec, op) if spec is not None and op is not None else (None, None)


def schema_problems(
    contract: Contract, dialect: Dialect, path: str, body: dict, store, model=None
) -> list[str]:
    """Where a body breaks the request schema of the spec that judges the call."""
    spec, op = judging_operation(contract, dialect, path, model or body.get("model"), store)
    return schema_refusals(spec, op.request_schema, body) if op and op.request_schema else []


def error_body(message: str, kind: str = "invalid_request_error", code: str = "invalid_parameter") -> dict:
    """An OpenAI-compatible error object (also ModelsLab's documented Error shape)."""
    return {"error": {"message": message, "type": kind, "param": None, "code": code}}
