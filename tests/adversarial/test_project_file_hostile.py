"""A hostile or careless chatconform.toml: bounded before it is parsed, numbers finite, no key in any
disguise, and no known deviation that silently covers every model and origin.

Each bad file is one line naming the file and the place (never the key), exit 2, from any command.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from chatconform import providers
from chatconform.cli import main
from chatconform.recording.cassettes import dump_cassette
from tests.builders import completion, interaction

ROOT = Path(__file__).resolve().parents[2]
GATEWAY = (
    '[providers.gw]\nbase_url = "http://127.0.0.1:9/v1"\nkey_env = "GW_HOSTILE_KEY"\nmodels = ["acme-1"]\n'
)
KEY31 = "a8F3kQ9zX2mN7pL4vB6cR1tYe5Wq0Hs"  # 31 letters and digits, no prefix
UUID_KEY = "1b4e28ba-2fa1-41d2-883f-0016d3cca427"
PREFIXED = "sk-proj-Zq8xY2wV9uT4sR7pQ1oN"


@pytest.fixture
def config(tmp_path, monkeypatch, capsys):
    """run(text, env...) writes the project file and runs a command with it: (exit code, stderr)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(providers.CONFIG_ENV, raising=False)
    monkeypatch.setenv("CHATCONFORM_SPECS", str(ROOT / "specs"))  # a file taken: verify reaches the cassette
    path = tmp_path / "project" / "chatconform.toml"  # named, never found walking up: a failing test's
    path.parent.mkdir()  # report (which looks up the run's key variables) reads the built-in data, not this

    def run(text: str, **env) -> tuple[int, str]:
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        code = main(["--config", str(path), "verify", str(tmp_path / "absent.yaml")])
        return code, capsys.readouterr().err

    run.path = path
    return run


def refused(config, text: str, *words: str, **env) -> str:
    code, err = config(text, **env)
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err and str(config.path) in err, err
    assert all(word in err for word in words), err
    return err


BOMBS = [
    ("nested arrays", "[run]\nmodels = " + "[" * 5000 + "]" * 5000 + "\n", "nested deeper than"),
    ("nested inline tables", "x = " + "{a = " * 5000 + "1" + "}" * 5000 + "\n", "nested deeper than"),
    ("arrays in inline tables", "x = " + "{a = [" * 3000 + "1" + "]}" * 3000 + "\n", "nested deeper than"),
    ("a dotted key of 5,000 parts", "a" + ".a" * 5000 + " = 1\n", "dotted parts"),
    ("a table header of 5,000 parts", "[" + "a." * 5000 + "a]\nx = 1\n", "dotted parts"),
    ("over a megabyte", "# " + "x" * (1024 * 1024 + 10) + "\n", "bytes is over"),
]


@pytest.mark.parametrize("name,text,words", BOMBS, ids=[b[0] for b in BOMBS])
def test_a_deep_or_huge_project_file_is_refused_in_one_line_before_it_is_parsed(config, name, text, words):
    refused(config, text, words)


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "+nan", "-0.5"])
def test_a_budget_must_be_a_finite_number_of_dollars(config, value):
    refused(config, f"[run]\nbudget_usd = {value}\n", "run.budget_usd")


def test_a_price_must_be_finite(config):
    refused(
        config,
        GATEWAY + '[[providers.gw.prices]]\nmodels = ["acme-1"]\ninput_per_mtok = inf\n'
        'output_per_mtok = 1.0\nsource = "https://gw.example/prices"\n',
        "providers.gw.prices[0].input_per_mtok",
        "finite",
    )


KEYS = [  # (where the key hides, the file, the variables it needs)
    ("user-info without a password", f'base_url = "https://{KEY31}@gw.example/v1"', {}),
    ("a path segment", f'base_url = "https://gw.example/v1/{KEY31}"', {}),
    ("the fragment", f'base_url = "https://gw.example/v1#{PREFIXED}"', {}),
    ("a query parameter of any name", f'base_url = "https://gw.example/v1?q={KEY31}"', {}),
    ("an escaped query value", 'base_url = "https://gw.example/v1?auth=%73k-proj-Zq8xY2wV9uT4sR7pQ1oN"', {}),
    (
        "a variable's value (expanded)",
        'base_url = "${GW_HOSTILE_URL}"',
        {"GW_HOSTILE_URL": f"https://gw.example/v1?user={PREFIXED}"},
    ),
    (
        "a variable in a path (expanded)",
        'base_url = "https://gw.example/${GW_HOSTILE_PART}/v1"',
        {"GW_HOSTILE_PART": KEY31},
    ),
    (
        "a host from a variable (expanded)",
        'base_url = "http://h.example/v1"\nhosts = ["${GW_HOSTILE_HOST}"]',
        {"GW_HOSTILE_HOST": f"{KEY31}.gw.example"},
    ),
    ("a UUID", f'base_url = "http://127.0.0.1:9/v1"\ndescription = "our key {UUID_KEY}"', {}),
    ("31 characters", f'base_url = "http://127.0.0.1:9/v1"\ndescription = "{KEY31}"', {}),
    (
        "a key variable's own value",
        'base_url = "http://127.0.0.1:9/v1"\ndescription = "uses gw-short-9x"',
        {"GW_HOSTILE_KEY": "gw-short-9x"},
    ),
]


@pytest.mark.parametrize("name,line,env", KEYS, ids=[k[0] for k in KEYS])
def test_a_key_is_refused_wherever_it_hides_and_is_never_echoed(config, name, line, env):
    err = refused(
        config,
        f'[providers.gw]\n{line}\nkey_env = "GW_HOSTILE_KEY"\nmodels = ["acme-1"]\n',
        "looks like an API key",
        **env,
    )
    assert not any(secret in err for secret in (KEY31, UUID_KEY, PREFIXED, "Zq8xY2", "gw-short-9x"))


def test_ids_digests_and_placeholders_are_not_keys(config):
    base = GATEWAY.replace('"http://127.0.0.1:9/v1"', '"http://127.0.0.1:9/v1/${GW_PATH:-chat}"')
    code, err = config(
        base
        + """
description = "answers chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT ids, as meta-llama/Llama-3.3-70B-Instruct-Turbo"
[[providers.gw.deviations]]
check = "usage.total_is_sum"
models = ["acme-1"]
reason = "counts cached tokens"
link = "https://github.com/o/r/blob/f14fa72fbcea53f909372ad0975b079f4587c70b/x.md#L12"
""",
        DEPLOY_KEY="127.0.0.1:9",
    )  # named like a key, yet no provider's key_env: its value may be a host

    assert code == 2 and "absent.yaml" in err  # the file was taken; only the cassette is missing


@pytest.mark.parametrize(
    "scope",
    [
        "",
        'models = ["*"]',
        'models = ["?*"]',
        'origins = ["*"]',
        'origins = ["docs", "reference", "live", "cassette", "fuzz"]',
    ],
)
def test_a_deviation_covering_every_model_and_origin_must_say_so(config, scope):
    deviation = (
        f'[[providers.gw.deviations]]\ncheck = "usage.total_is_sum"\n{scope}\nreason = "r"\n'
        'link = "https://x.example"\n'
    )
    refused(config, GATEWAY + deviation, "providers.gw.deviations[0]", "everywhere = true")
    code, err = config(GATEWAY + deviation + "everywhere = true\n")
    assert code == 2 and "absent.yaml" in err  # said on purpose: taken


def test_everywhere_on_a_narrowed_deviation_is_refused(config):
    narrowed = (
        '[[providers.gw.deviations]]\ncheck = "c"\nmodels = ["acme-1"]\nreason = "r"\n'
        'link = "https://x.example"\n'
    )
    refused(config, GATEWAY + narrowed + "everywhere = true\n", "yet models, origins or paths narrow")
    on_one_path = narrowed.replace('models = ["acme-1"]\n', 'paths = ["/chat/completions"]\n')
    code, err = config(GATEWAY + on_one_path)  # every model and origin, one endpoint: narrowed enough
    assert code == 2 and "absent.yaml" in err


@pytest.mark.slow  # a pytest run and the CLI in subprocesses
def test_a_deviation_for_everywhere_is_named_in_results_the_summary_and_the_cli(tmp_path):
    reason = "our gateway adds cached tokens to total_tokens, every model"
    (tmp_path / "chatconform.toml").write_text(
        GATEWAY
        + f"""
[[providers.gw.deviations]]
check = "usage.total_is_sum"
reason = "{reason}"
link = "https://gw.example/issues/7"
everywhere = true
"""
    )
    body = completion(model="acme-1", usage=(5, 7))
    body["usage"]["total_tokens"] = 99
    dump_cassette(
        tmp_path / "cassettes" / "gw" / "acme-1" / "recorded.yaml",
        [
            interaction(
                {"model": "acme-1", "messages": [{"role": "user", "content": "Hi"}]},
                body,
                url="http://127.0.0.1:9/v1/chat/completions",
            )
        ],
        {"origin": "cassette", "provider": "gw", "model": "acme-1", "notes": "test data"},
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHATCONFORM_")}
    env.update(
        CHATCONFORM_SPECS=str(ROOT / "specs"),
        CHATCONFORM_CACHE=str(tmp_path / ".cache"),
        PYTHONDONTWRITEBYTECODE="1",
    )
    runs = [
        subprocess.run(
            [sys.executable, "-m", "chatconform.cli", *args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        for args in (["check"], ["verify", "cassettes"], ["verify", "--json", "cassettes"])
    ]
    assert [r.returncode for r in runs] == [0, 0, 0], [r.stdout[-2000:] + r.stderr[-2000:] for r in runs]
    rows = json.loads((tmp_path / "reports" / "results.json").read_text())["results"]
    assert {r["verdict"] for r in rows if r["check"] == "usage.total_is_sum"} == {"xfail"}
    assert all(
        "every model and origin" in r["reason"] and reason in r["reason"]
        for r in rows
        if r["check"] == "usage.total_is_sum"
    )
    assert reason in (tmp_path / "reports" / "summary.html").read_text().split('id="everywhere"')[1][:2000]
    for run in runs:  # the CLI line of `check` and of `verify`
        lines = run.stdout.splitlines()
        assert [line for line in lines if "every model and origin" in line and reason in line], lines[-9:]
