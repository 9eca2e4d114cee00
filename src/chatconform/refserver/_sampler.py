"""The reference provider's sampling model: which word an answer has at each place, and with what probability.

At each place CANDIDATES words are in the running, ranked: rank 0 is the greedy word (what temperature 0
writes), rank j has the log-weight -j * SPREAD (the model's own distribution, which logprobs report). A
request at temperature T > 0 draws each word from the weights exp(-j * SPREAD / T) of the first `top_k`
candidates: the spread grows with T, and top_k=1 is greedy. The draw is seeded by the request's `seed` (the
same request with the same seed gets the same answer) or, without one, by a number the server draws for each
request (two requests, two answers). Unsent, temperature is 1 (OpenAI: "Defaults to 1"; Anthropic: "Defaults
to 1.0") and top_k is unset.

What that gives at the measures' lengths (12 words): at temperature 1 the greedy word has probability 0.40 at
each place, so a drawn answer equals the greedy one about once in 60,000 (0.40**12), and two draws with
different seeds agree about once in 14 million (0.254**12); at 1.5 both are rarer still.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

WORDS = (
    "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa "
    "quebec romeo sierra tango uniform victor whiskey xray yankee zulu END"
).split()
CANDIDATES = 8  # words in the running at each place, the greedy one first
SPREAD = 0.5  # the log-weight between one candidate and the next, at temperature 1
DEFAULT_TEMPERATURE = 1.0


@dataclass(frozen=True)
class Sampling:
    """How a request's words are chosen: greedy, or drawn at a temperature from the first top_k candidates."""

    temperature: float = DEFAULT_TEMPERATURE
    top_k: int | None = None
    seed: int | None = None  # the request's seed; None: the server's draw for this request (`nonce`)
    nonce: int = 0

    @property
    def greedy(self) -> bool:
        return self.temperature <= 0 or self.top_k == 1

    @property
    def key(self) -> str:
        """What seeds the draw: the request's seed, else the server's number for the request."""
        return f"seed {self.seed}" if self.seed is not None else f"draw {self.nonce}"

    def weights(self) -> list[float]:
        """The weight of each candidate in the running, by rank."""
        kept = min(CANDIDATES, self.top_k or CANDIDATES)
        return [math.exp(-rank * SPREAD / self.temperature) for rank in range(kept)]


GREEDY = Sampling(temperature=0.0)


def _number(value, default: float) -> float:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else default


def sampling(body: dict, nonce: int, seed: bool = True, top_k: bool = True) -> Sampling:
    """The sampling a request asks for (`seed`, `top_k`: whether its dialect has the field)."""
    k = body.get("top_k") if top_k else None
    s = body.get("seed") if seed else None
    return Sampling(
        temperature=_number(body.get("temperature"), DEFAULT_TEMPERATURE),
        top_k=k if isinstance(k, int) and not isinstance(k, bool) and k >= 1 else None,
        seed=s if isinstance(s, int) and not isinstance(s, bool) else None,
        nonce=nonce,
    )


def candidates(greedy: str, place_seed: int) -> list[str]:
    """The words in the running at one place, by rank: the greedy word, then others in an order of its own."""
    others = [w for w in WORDS if w != greedy]
    random.Random(place_seed).shuffle(others)
    return [greedy, *others[: CANDIDATES - 1]]


def draw(greedy: list[str], answer_seed: int, how: Sampling) -> list[str]:
    """The words drawn for an answer whose greedy words are `greedy` (one uniform number per place)."""
    if how.greedy:
        return list(greedy)
    weights = how.weights()
    total = sum(weights)
    rng = random.Random(f"{how.key}|{answer_seed}")
    out = []
    for place, word in enumerate(greedy):
        left, rank = rng.random() * total, 0
        while rank < len(weights) - 1 and left >= weights[rank]:
            left -= weights[rank]
            rank += 1
        out.append(candidates(word, answer_seed * 64 + place)[rank])
    return out


def logprob(rank: int) -> float:
    """The model's own log probability of the candidate of a rank (at temperature 1, all candidates)."""
    norm = sum(math.exp(-r * SPREAD) for r in range(CANDIDATES))
    return -rank * SPREAD - math.log(norm)


def token_logprobs(words: list[str], greedy: list[str], answer_seed: int, top: int) -> list[dict]:
    """Chat's logprobs.content for the words written: each token (as streamed), its log probability, and the
    `top` most likely tokens at its place (a word outside the candidates, e.g. JSON, is certain: 0.0)."""
    out = []
    for place, word in enumerate(words):
        space = "" if place == 0 else " "
        ranked = candidates(greedy[place], answer_seed * 64 + place) if place < len(greedy) else [word]
        if word not in ranked:
            ranked = [word]
        alternatives = [
            {
                "token": space + w,
                "logprob": logprob(r) if len(ranked) > 1 else 0.0,
                "bytes": list((space + w).encode()),
            }
            for r, w in enumerate(ranked[:top])
        ]
        out.append(
            {
                "token": space + word,
                "logprob": logprob(ranked.index(word)) if len(ranked) > 1 else 0.0,
                "bytes": list((space + word).encode()),
                "top_logprobs": alternatives,
            }
        )
    return out
