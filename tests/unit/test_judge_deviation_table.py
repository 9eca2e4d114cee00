"""A run keeps one table of declared deviations per provider, model, origin and endpoint: every exchange of
one run is judged by the deviation scoped to it, never by one its neighbour's table holds."""

import pytest

from chatconform.judging.judge import judge
from chatconform.model.verdict import FAIL, KNOWN, PASS
from chatconform.providers import ProviderData
from tests.builders import completion, exchange, run_of

CHECK = "usage.total_is_sum"
PROJECT = f"""
[providers.gateway]
base_url = "https://gw.example"
models = ["acme-1", "acme-2"]

[[providers.gateway.deviations]]
check = "{CHECK}"
models = ["acme-2"]
origins = ["cassette"]
paths = ["/v1/chat/completions"]
reason = "acme-2 counts cached tokens twice in total_tokens"
link = "https://gateway.example/issues/12"
"""
COVERED = ("https://gw.example/v1/chat/completions", "acme-2", "cassette")
# each differs from COVERED in one part the deviation is scoped by: the provider, model, origin, endpoint
OTHERS = [
    ("https://elsewhere.example/v1/chat/completions", "acme-2", "cassette"),
    ("https://gw.example/v1/chat/completions", "acme-1", "cassette"),
    ("https://gw.example/v1/chat/completions", "acme-2", "live"),
    ("https://gw.example/v2/chat/completions", "acme-2", "cassette"),
]


@pytest.fixture
def data(tmp_path) -> ProviderData:
    path = tmp_path / "chatconform.toml"
    path.write_text(PROJECT)
    return ProviderData.load(path)


def usage_row(url, model, origin, data, run, adds_up):
    """The usage row of a chat completion judged in `run` (its total adds up or not)."""
    body = completion(model=model, usage=(5, 7))
    body["usage"]["total_tokens"] = 12 if adds_up else 99
    request = {"model": model, "messages": [{"role": "user", "content": "Hi"}]}
    return judge(exchange(request, body, url=url, origin=origin, data=data), run).rows[CHECK]


@pytest.mark.parametrize("adds_up", [False, True], ids=["failing", "passing"])
def test_each_exchange_of_one_run_gets_the_deviation_scoped_to_it(data, store, adds_up):
    run = run_of(store, data)
    for other in OTHERS:  # one run: the covered call before and after each other one
        for where, covered in ((COVERED, True), (other, False), (COVERED, True)):
            row = usage_row(*where, data, run, adds_up)
            if not covered:
                assert row.verdict == (PASS if adds_up else FAIL), where
                assert row.deviation is None and row.stale is None, where
            elif adds_up:  # a pass where a deviation is declared: the deviation has gone stale
                assert row.verdict == PASS and row.stale is not None and row.deviation is None
            else:
                assert row.verdict == KNOWN and row.deviation is not None and row.stale is None
