"""The built-in provider data: valid against its schema, quoted verbatim, one list of models, none in
Python."""

import copy
import json
import tomllib
from importlib import resources
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from chatconform import providers
from chatconform.model.exchange import ORIGINS
from chatconform.model.pointer import resolve
from chatconform.providers import ProviderData, build_request, price_per_token

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "chatconform"
BUILTIN = sorted(p for p in resources.files("chatconform.providers").iterdir() if p.name.endswith(".toml"))
# Python files allowed to hold a built-in model id or provider host: none (provider knowledge is data).
PENDING: set[str] = set()
OWNED_CLEAN = {"providers/profiles.py", "live/targets.py", "live/budget.py"} | {
    str(p.relative_to(SRC)) for p in (SRC / "providers").glob("*.py")
}


@pytest.fixture(autouse=True)
def builtin_only(monkeypatch, tmp_path):
    """Every test here sees the built-in data only, whatever project file the machine has."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(providers.CONFIG_ENV, raising=False)


@pytest.fixture
def data(builtin_only) -> ProviderData:
    """The provider data a run with no project file judges with."""
    return ProviderData.load()


def squash(text: str) -> str:
    return " ".join(text.split())


def quoted_at(source: str) -> str:
    """The text a `specs/...` source points at: a whole pulled page, or a string in a pulled spec."""
    path, _, pointer = source.partition("#")
    text = (ROOT / path).read_text(encoding="utf-8")
    return resolve(json.loads(text), pointer) if pointer else text


def builtin_ids_and_hosts() -> set[str]:
    found = set()
    for entry in BUILTIN:
        for data in tomllib.loads(entry.read_text("utf-8"))["providers"].values():
            found |= {*data.get("models", []), *data.get("reasoning_models", []), *data.get("hosts", [])}
            found |= {*data.get("aliases", {}), *data.get("aliases", {}).values()}
    return found


@pytest.mark.parametrize("entry", BUILTIN, ids=[e.name for e in BUILTIN])
def test_each_builtin_file_is_valid_against_the_schema(entry):
    errors = list(
        Draft202012Validator(providers.schema()).iter_errors(tomllib.loads(entry.read_text("utf-8")))
    )
    assert errors == []


def test_the_schema_is_a_valid_json_schema_and_its_origins_are_the_exchange_origins():
    Draft202012Validator.check_schema(providers.schema())
    assert providers.schema()["$defs"]["origins"]["items"]["enum"] == ["*", *ORIGINS]


def quotes() -> list:
    """(says, source) of every quote in the built-in files: documented values, prices, shapes, endpoints."""
    out = []
    for entry in BUILTIN:
        for name, provider in tomllib.loads(entry.read_text("utf-8"))["providers"].items():
            tables = [
                *provider.get("documented", []),
                *provider.get("prices", []),
                *provider.get("shapes", {}).values(),
                *provider.get("endpoints", {}).values(),
            ]
            out += [
                pytest.param(t["says"], t["source"], id=f"{name}-{n}")
                for n, t in enumerate(tables)
                if "says" in t
            ]
    return out


@pytest.mark.parametrize("says, source", quotes())
def test_every_quote_in_the_data_is_verbatim_where_its_source_says(says, source):
    if source.startswith("specs/"):
        assert squash(says) in squash(quoted_at(source)), f"not found at {source}"
    else:  # a page not in the mirror: the quote is from the page as it was seeded, and says so
        assert "(as seeded)" in source or "(generated" in source


def test_every_model_a_spec_source_lists_is_a_model_of_its_provider(data):
    catalog = tomllib.loads((ROOT / "specs" / "sources.toml").read_text("utf-8"))["source"]
    missing = [
        (s["provider"], m)
        for s in catalog
        if s.get("kind") == "spec"
        for m in s.get("models", [])
        if m != "*" and m not in data.profile(s["provider"]).models
    ]
    assert missing == []


def test_no_builtin_model_id_or_host_appears_in_python_outside_the_pending_files():
    needles = builtin_ids_and_hosts()
    assert {"api.aimlapi.com", "google/gemini-2.5-flash"} <= needles  # the scan really looks for something
    holding = {
        str(p.relative_to(SRC))
        for p in SRC.rglob("*.py")
        if any(n in p.read_text(encoding="utf-8") for n in needles)
    }
    assert holding <= PENDING, f"new Python files name a model or host: {sorted(holding - PENDING)}"
    assert not holding & OWNED_CLEAN


def test_documented_values_come_from_the_data_for_the_right_model(data):
    pro = data.documented_value("aimlapi", "default_max_tokens", "google/gemini-2.5-pro")
    assert (pro.value, pro.source) == (512, "specs/aimlapi/docs/gemini-2.5-pro.md")
    assert "default is only 512 tokens" in pro.says
    assert data.documented_value("aimlapi", "default_max_tokens", "gemini-1.5-flash") is None
    assert data.documented_value("modelslab", "default_max_tokens", "any-model").value == 1000
    assert data.documented_value("modelslab", "default_max_tokens", None).value == 1000
    assert data.documented_value("nobody", "default_max_tokens", None) is None


def test_the_data_is_read_only_but_reads_as_the_toml_it_came_from(data):
    # read-only tuples and mapping proxies once made checks such as isinstance(value, list) quietly false:
    # ModelSlab's documented required parameters vanished from the docs conflicts
    required = data.documented_value("modelslab", "required_params", "any-model").value
    assert isinstance(required, list) and list(required) == ["model", "messages"]
    table = data.tables["aimlapi"]
    assert isinstance(table, dict) and json.loads(json.dumps(table)) == table
    for write in (lambda: required.append("x"), lambda: table.update(x=1), lambda: table.pop("models")):
        with pytest.raises(TypeError, match="read-only"):
            write()
    mine = copy.deepcopy(table)  # a copy is the caller's own, and writable
    mine["models"].append("x")
    assert "x" not in table["models"]


def test_spec_defects_are_declared_as_known_with_their_kind(data):
    defect = data.deviation_for("aimlapi", "stream.spec-defect", "google/gemini-2.5-flash", "cassette")
    assert defect.kind == "spec-defect" and defect.declared_in.endswith("aimlapi.toml")
    assert data.deviation_for("aimlapi", "stream.spec-defect.extra", None, "live") is defect
    assert data.deviation_for("modelslab", "usage.total_is_sum", "gemini-2.5-flash", "cassette") is None
    scoped = data.deviation_for(
        "aimlapi", "limits.completion_within_max_tokens", "google/gemini-2.5-pro", "docs"
    )
    assert scoped.kind == "deviation"
    assert (
        data.deviation_for("aimlapi", "limits.completion_within_max_tokens", "google/gemini-2.5-pro", "live")
        is None
    )


def test_request_shapes_and_endpoint_auth_come_from_the_data(data):
    ml = data.profile("modelslab")
    _, headers, body = build_request(ml, "gemini-2.5-flash", {"messages": []}, "k123", shape="page")
    assert (
        body == {"model_id": "gemini-2.5-flash", "messages": [], "key": "k123"}
        and "authorization" not in headers
    )
    _, headers, _ = build_request(ml, "gemini-2.5-flash", {}, "k123", endpoint=ml.extra_endpoints["messages"])
    assert headers["x-api-key"] == "k123" and "authorization" not in headers
    assert ml.live_shapes == ("spec", "page") and ml.price_source.startswith("https://modelslab.com/")
    assert price_per_token(ml, "gemini-2.5-flash") == pytest.approx((0.30e-6, 2.50e-6))


def test_every_key_variable_is_named_for_scrubbing(data):
    assert set(data.key_env_names()) == {p.key_env for p in data.profiles.values() if p.key_env}
    assert len(data.key_env_names()) == len(BUILTIN)


def test_the_wheel_ships_the_data_and_the_schema():
    globs = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"][
        "chatconform"
    ]
    shipped = {p for g in globs for p in SRC.glob(g)}
    assert {p for p in (SRC / "providers").iterdir() if p.suffix in (".toml", ".json")} <= shipped
    assert all(list(SRC.glob(g)) for g in globs), "a package-data glob matches nothing"
