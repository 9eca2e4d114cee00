"""A project's chatconform.toml extends the built-in provider data, from a temporary directory, no source
edit."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from chatconform import providers
from chatconform.live.budget import budget_limit
from chatconform.live.targets import describe, live_targets
from chatconform.model.errors import UsageError
from chatconform.providers import build_request
from chatconform.recording.cassettes import dump_cassette, load_cassette
from tests.builders import completion, interaction

SPECS = Path(__file__).resolve().parents[2] / "specs"

GATEWAY = """
[providers.gateway]
base_url = "http://127.0.0.1:8765/v1"
key_env = "GATEWAY_TOKEN"
models = ["acme-1", "acme-2"]

[[providers.gateway.deviations]]
check = "usage.total_is_sum"
models = ["acme-2"]
reason = "acme-2 counts cached tokens twice in total_tokens"
link = "https://gateway.example/issues/12"
"""


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A temporary project directory; write(text) puts a chatconform.toml there and reads the provider data
    a run there would judge with (found walking up)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(providers.CONFIG_ENV, raising=False)

    def write(text: str, folder=tmp_path) -> providers.ProviderData:
        (folder / "chatconform.toml").write_text(textwrap.dedent(text), encoding="utf-8")
        return providers.ProviderData.load()

    write.path = tmp_path / "chatconform.toml"
    return write


def error_of(project, text: str) -> str:
    with pytest.raises(UsageError) as caught:
        project(text)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(str(project.path))
    return message


def test_without_a_project_file_the_builtin_data_is_in_force(project):
    data = providers.ProviderData.load()
    assert data.config is None
    assert set(data) == {"aimlapi", "anthropic", "llama-cpp", "mistral", "modelslab", "openai-compatible"}


def test_a_user_adds_a_model_to_a_provider(project):
    data = project('[providers.aimlapi]\nmodels = ["google/gemini-3-pro-preview"]\n')
    models = data.profile("aimlapi").models
    assert "google/gemini-3-pro-preview" in models and "google/gemini-2.5-flash" in models
    targets = [t.model for t, _ in live_targets(data, ["aimlapi"])]
    assert "google/gemini-3-pro-preview" in targets


def test_a_user_adds_a_whole_provider_on_a_loopback_base_url(project, monkeypatch):
    data = project(GATEWAY)
    assert data.identify("http://127.0.0.1:8765/v1/chat/completions", {"model": "acme-1"}) == (
        "gateway",
        "acme-1",
    )
    assert (
        data.identify("http://127.0.0.1:9999/v1/chat/completions", {"model": "acme-1"})[0]
        == "openai-compatible"
    )
    assert data.identify("https://api.aimlapi.com/v1/chat/completions", {})[0] == "aimlapi"
    monkeypatch.setenv("GATEWAY_TOKEN", "gw-secret-123")
    url, headers, body = build_request(data.profile("gateway"), "acme-1", {"messages": []}, "gw-secret-123")
    assert (
        url == "http://127.0.0.1:8765/v1/chat/completions"
        and headers["authorization"] == "Bearer gw-secret-123"
    )
    assert "GATEWAY_TOKEN" in data.key_env_names()
    (target, missing), *_ = live_targets(data, ["gateway"])
    assert (target.provider, target.model, missing, target.key) == (
        "gateway",
        "acme-1",
        None,
        "gw-secret-123",
    )
    assert "gw-secret" not in describe(target, data) and "$GATEWAY_TOKEN" in describe(target, data)


def test_a_cassette_recorded_against_the_new_provider_is_judged_as_that_provider(project, tmp_path):
    data = project(GATEWAY)
    path = tmp_path / "cassettes" / "gw.yaml"
    dump_cassette(
        path,
        [
            interaction(
                {"model": "acme-2", "messages": []},
                completion(model="acme-2"),
                url="http://127.0.0.1:8765/v1/chat/completions",
            )
        ],
        {"origin": "cassette", "provider": "gateway", "model": "acme-2"},
    )
    (exchange,) = load_cassette(path, data).exchanges
    assert (exchange.provider, exchange.model) == ("gateway", "acme-2")


def test_a_declared_deviation_is_found_with_its_reason_and_file(project):
    data = project(
        GATEWAY
        + """
[[providers.aimlapi.deviations]]
check = "finish.reason_documented"
reason = "our prompts hit a gateway bug"
link = "https://example.invalid/our-bug"
everywhere = true
"""
    )
    found = data.deviation_for("gateway", "usage.total_is_sum", "acme-2", "cassette")
    assert found.reason.startswith("acme-2 counts") and found.declared_in == str(project.path)
    assert data.deviation_for("gateway", "usage.total_is_sum", "acme-1", "cassette") is None
    assert data.deviation_for(
        "aimlapi", "finish.reason_documented", "google/gemini-2.5-pro", "live"
    ).link.endswith("our-bug")
    assert (
        data.deviation_for("aimlapi", "stream.spec-defect", None, "live") is not None
    )  # the built-in ones stay


def test_a_user_narrows_the_run_to_the_models_they_ship_and_sets_the_budget(project):
    data = project('[run]\nmodels = ["google/gemini-2.5-flash"]\nbudget_usd = 0.2\n')
    assert [t.model for t, _ in live_targets(data)] == ["google/gemini-2.5-flash"]
    assert {t.model for t, _ in live_targets(data, models=["gemini-2.5-flash"])} == {
        "gemini-2.5-flash"
    }  # CLI wins
    assert budget_limit(data, None) == 0.2 and budget_limit(data, 0.01) == 0.01
    data = project('[run]\nproviders = ["modelslab"]\n')
    assert {t.provider for t, _ in live_targets(data)} == {"modelslab"} and budget_limit(data, None) == 0.05


def test_a_user_overrides_a_documented_value_for_their_model(project):
    data = project("""
[providers.aimlapi]
models = ["google/gemini-3-pro-preview"]
[[providers.aimlapi.documented]]
name = "default_max_tokens"
value = 1024
models = ["google/gemini-3-*"]
says = "The default is 1024 tokens."
source = "https://example.invalid/gemini-3 (as seeded)"
""")
    assert data.documented_value("aimlapi", "default_max_tokens", "google/gemini-3-pro-preview").value == 1024
    assert data.documented_value("aimlapi", "default_max_tokens", "google/gemini-2.5-pro").value == 512


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            '[providers.aimlapi]\nmodles = ["x"]\n',
            "providers.aimlapi.modles: unknown key; did you mean 'models'?",
        ),
        ('[provider.aimlapi]\nmodels = ["x"]\n', "provider: unknown key; did you mean 'providers'?"),
        ("[run]\nbudget = 1\n", "run.budget: unknown key; did you mean 'budget_usd'?"),
        (
            '[[providers.aimlapi.deviations]]\ncheck = "a"\nreason = "b"\nlnk = "c"\n',
            "providers.aimlapi.deviations[0].lnk: unknown key; did you mean 'link'?",
        ),
        (
            '[providers.aimlap]\nmodels = ["x"]\n',
            "providers.aimlap: unknown provider; did you mean 'aimlapi'?",
        ),
        ('[run]\nmodels = ["google/gemini-2.5-flsh"]\n', "did you mean 'google/gemini-2.5-flash'?"),
    ],
)
def test_a_typo_is_one_line_naming_the_file_the_key_and_the_closest_valid_one(project, text, expected):
    assert expected in error_of(project, text)


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            '[providers.aimlapi]\nmodels = "google/x"\n',
            "providers.aimlapi.models: must be a list, not a string",
        ),
        ('[run]\nbudget_usd = "1"\n', "run.budget_usd: must be a number, not a string"),
        ('[providers.aimlapi]\nauth = "baerer"\n', "providers.aimlapi.auth: 'baerer' is not one of bearer"),
        ('[providers.gw]\nbase_url = "ftp://x"\n', "providers.gw.base_url: must be an http(s) URL"),
        ('[providers.gw]\nkey_env = "GW_KEY"\n', "providers.gw: unknown provider"),
        (
            '[[providers.aimlapi.deviations]]\ncheck = "a"\nlink = "c"\n',
            "providers.aimlapi.deviations[0]: missing 'reason'",
        ),
        ("[providers.aimlapi\n", "not valid TOML"),
    ],
)
def test_a_wrong_value_is_one_line_naming_the_key(project, text, expected):
    assert expected in error_of(project, text)


def test_urls_take_environment_variables_and_a_missing_one_is_one_line(project, monkeypatch):
    text = '[providers.gw]\nbase_url = "${GW_URL}/v1"\n'
    monkeypatch.setenv("GW_URL", "http://127.0.0.1:9000")
    data = project(text)
    assert data.profile("gw").base_url == "http://127.0.0.1:9000/v1" and data.profile("gw").hosts == (
        "127.0.0.1:9000",
    )
    monkeypatch.delenv("GW_URL")
    assert "providers.gw.base_url: ${GW_URL} is not set" in error_of(project, text)
    data = project('[providers.gw]\nbase_url = "${GW_URL:-http://localhost:7000}"\n')
    assert data.profile("gw").base_url == "http://localhost:7000"


@pytest.mark.parametrize(
    "text",
    [
        '[providers.gw]\nbase_url = "http://127.0.0.1:1"\napi_key = "abc"\n',
        '[providers.gw]\nbase_url = "http://127.0.0.1:1"\ndescription = "sk-proj-Zq8xY2wV4uT6sR1pO3nM"\n',
        '[providers.gw]\nbase_url = "http://user:hunter2hunter2@127.0.0.1:1"\n',
        '[providers.gw]\nbase_url = "http://127.0.0.1:1/?api_key=zzz"\n',
        '[providers.gw]\nbase_url = "http://127.0.0.1:1"\nkey_env = "a8F3kQ9zX2mN7pL4vB6cR1tYe5Wq0Hs2J"\n',
    ],
)
def test_keys_are_only_named_never_written(project, text):
    message = error_of(project, text)
    assert (
        "key" in message and "hunter2" not in message and "Zq8xY2" not in message and "a8F3kQ" not in message
    )


def test_ids_and_links_are_not_mistaken_for_keys(project):
    data = project(
        '[providers.gw]\nbase_url = "http://127.0.0.1:1"\nkey_env = "GW_API_KEY"\n'
        'description = "answers chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT ids"\n'
        '[[providers.gw.deviations]]\ncheck = "a"\nmodels = ["m"]\nreason = "b"\n'
        'link = "https://github.com/o/r/blob/f14fa72fbcea53f909372ad0975b079f4587c70b/x.md"\n'
    )
    assert data.profile("gw").key_env == "GW_API_KEY"


def test_the_project_file_is_found_walking_up_and_can_be_named(project, tmp_path, monkeypatch):
    project(GATEWAY)
    deep = tmp_path / "services" / "api"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    found = providers.ProviderData.load()
    assert found.config == str(tmp_path / "chatconform.toml") and "gateway" in found
    other = tmp_path / "elsewhere.toml"
    other.write_text('[providers.aimlapi]\nmodels = ["named-by-env"]\n')
    monkeypatch.setenv(providers.CONFIG_ENV, str(other))
    named = providers.ProviderData.load()
    assert "named-by-env" in named.profile("aimlapi").models and "gateway" not in named
    assert "gateway" in providers.ProviderData.load(tmp_path / "chatconform.toml")  # --config wins
    assert "gateway" in found  # each load is its own object: the earlier one is unchanged
    with pytest.raises(UsageError, match="no such project file"):
        providers.ProviderData.load(tmp_path / "missing.toml")


def test_the_project_file_is_the_one_of_the_project_folder_the_reports_go_to(project, tmp_path, monkeypatch):
    """One rule finds the project: the folder holding the reports is the folder whose chatconform.toml is
    read."""
    from chatconform.model.paths import project_root, reports_dir

    project(GATEWAY)
    inner = tmp_path / "checkout"  # a chatconform checkout (specs/sources.toml) below the outer project
    (inner / "specs").mkdir(parents=True)
    (inner / "specs" / "sources.toml").write_text("", encoding="utf-8")
    monkeypatch.chdir(inner)
    assert project_root() == inner and reports_dir() == inner / "reports"
    assert providers.ProviderData.load().config is None  # never the outer folder's file
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    monkeypatch.setenv("CHATCONFORM_ROOT", str(tmp_path))  # the user names the project folder
    assert providers.ProviderData.load().config == str(tmp_path / "chatconform.toml")


def run_pytest(folder, *args) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != providers.CONFIG_ENV}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-s", *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow  # three pytest runs in subprocesses
def test_the_pytest_plugin_takes_the_run_table_and_refuses_a_bad_file_in_one_line(tmp_path):
    (tmp_path / "chatconform.toml").write_text('[run]\nmodels = ["gemini-2.5-flash"]\nbudget_usd = 0.5\n')
    (tmp_path / "test_probe.py").write_text(
        "def test_probe(pytestconfig):\n"
        "    print('OPTIONS', pytestconfig.getoption('--model'), pytestconfig.getoption('--budget-usd'))\n"
    )
    result = run_pytest(tmp_path, "test_probe.py")
    assert "OPTIONS ['gemini-2.5-flash'] 0.5" in result.stdout, result.stdout + result.stderr
    result = run_pytest(tmp_path, "test_probe.py", "--budget-usd", "0.1", "--model", "m")
    assert "OPTIONS ['m'] 0.1" in result.stdout
    (tmp_path / "bad.toml").write_text("[run]\nmodles = []\n")
    result = run_pytest(tmp_path, "test_probe.py", "--config", "bad.toml")
    assert result.returncode == 4 and "run.modles: unknown key; did you mean 'models'?" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_cli_exits_2_with_one_line_on_a_typo_in_the_project_file(project, tmp_path):
    project(GATEWAY)
    path = tmp_path / "c.yaml"
    dump_cassette(
        path,
        [
            interaction(
                {"model": "acme-1", "messages": []},
                completion(model="acme-1"),
                url="http://127.0.0.1:8765/v1/chat/completions",
            )
        ],
        {"origin": "cassette"},
    )
    (tmp_path / "chatconform.toml").write_text(GATEWAY.replace("key_env", "key_evn"))
    env = {
        **{k: v for k, v in os.environ.items() if k != providers.CONFIG_ENV},
        "CHATCONFORM_SPECS": str(SPECS),
    }
    result = subprocess.run(
        [sys.executable, "-m", "chatconform.cli", "verify", str(path)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert "providers.gateway.key_evn: unknown key; did you mean 'key_env'?" in result.stderr
    assert "Traceback" not in result.stderr
