"""The reference provider's sampling model (refserver/_sampler.py): greedy at temperature 0 and top_k 1, a
draw seeded by `seed` or by the server's number for the request, a spread that grows with temperature, top_k
bounding the candidates, and log probabilities that are the model's own."""

import math

from hypothesis import given
from hypothesis import strategies as st

from chatconform.refserver._generate import _greedy, answer_words, logprobs_of
from chatconform.refserver._sampler import CANDIDATES, Sampling, candidates, logprob, sampling

BODY = {"messages": [{"role": "user", "content": "Write three random English words (#1):"}]}
GREEDY_WORDS = answer_words(BODY, 0)


def ranks(how: Sampling, body=BODY) -> list[int]:
    """The rank, among its place's candidates, of each word drawn."""
    greedy, seed = _greedy(body, 0, "messages")
    drawn = answer_words(body, 0, how=how)
    return [
        candidates(g, seed * 64 + place).index(w)
        for place, (g, w) in enumerate(zip(greedy, drawn, strict=True))
    ]


def test_temperature_zero_and_top_k_one_write_the_greedy_words():
    assert answer_words(BODY, 0, how=Sampling(0.0, nonce=7)) == GREEDY_WORDS
    assert answer_words(BODY, 0, how=Sampling(1.5, top_k=1, nonce=7)) == GREEDY_WORDS
    assert answer_words(BODY, 0, how=Sampling(1.0, nonce=7)) != GREEDY_WORDS  # the test can fail


def test_a_seed_fixes_the_draw_and_without_one_each_request_draws_anew():
    seeded = [answer_words(BODY, 0, how=Sampling(1.5, seed=1000, nonce=n)) for n in (1, 2)]
    assert seeded[0] == seeded[1] != answer_words(BODY, 0, how=Sampling(1.5, seed=1001, nonce=1))
    unseeded = [answer_words(BODY, 0, how=Sampling(1.5, nonce=n)) for n in (1, 2)]
    assert unseeded[0] != unseeded[1]


def test_the_spread_grows_with_temperature_and_the_greedy_share_is_as_documented():
    greedy_share = {}
    for temperature in (0.2, 1.0, 1.5):
        drawn = [r for n in range(300) for r in ranks(Sampling(temperature, nonce=n))]
        greedy_share[temperature] = drawn.count(0) / len(drawn)
    assert greedy_share[0.2] > greedy_share[1.0] > greedy_share[1.5]
    assert abs(greedy_share[1.0] - 0.40) < 0.03  # the module's docstring: 0.40 at temperature 1
    assert greedy_share[0.2] > 0.85


@given(temperature=st.floats(0.05, 2.0), top_k=st.integers(1, 12), nonce=st.integers(0, 10**6))
def test_top_k_bounds_the_candidates_and_the_length_is_the_prompts(temperature, top_k, nonce):
    drawn = ranks(Sampling(temperature, top_k=top_k, nonce=nonce))
    assert len(drawn) == len(GREEDY_WORDS) and max(drawn) < min(top_k, CANDIDATES)


def test_a_request_reads_its_dialects_fields_and_falls_back_to_the_documented_default():
    assert sampling({}, 3) == Sampling(1.0, None, None, 3)
    assert sampling({"temperature": 0, "top_k": 2, "seed": 5}, 3) == Sampling(0.0, 2, 5, 3)
    assert sampling({"top_k": 2, "seed": 5}, 3, seed=False, top_k=False) == Sampling(1.0, None, None, 3)
    assert sampling({"temperature": True, "top_k": 0, "seed": "x"}, 3) == Sampling(1.0, None, None, 3)


def test_log_probabilities_are_the_models_own_and_their_tokens_spell_the_answer():
    assert math.isclose(sum(math.exp(logprob(r)) for r in range(CANDIDATES)), 1.0)
    words = answer_words(BODY, 0, how=Sampling(1.5, nonce=4))[:6]
    content = logprobs_of(BODY, 0, words, 2)
    assert "".join(t["token"] for t in content) == " ".join(words)
    assert all(len(t["top_logprobs"]) == 2 for t in content)
    assert all(t["logprob"] <= t["top_logprobs"][0]["logprob"] < 0 for t in content)
    assert all(bytes(t["bytes"]).decode() == t["token"] for t in content)
    json_words = ['{"colour":', '"red"}']
    assert [t["logprob"] for t in logprobs_of(BODY, 0, json_words, 2, prose=False)] == [0.0, 0.0]
