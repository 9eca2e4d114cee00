"""A view of an exchange is computed once per exchange (and per arguments), never shared between two."""

from __future__ import annotations

import dataclasses

from chatconform.model.exchange import Exchange, Request, view


def _exchange() -> Exchange:
    return Exchange(
        request=Request("POST", "https://api.example.test/v1/chat/completions", {}, b"{}"), response=None
    )


def test_a_view_is_computed_once_per_exchange_and_per_arguments():
    calls = []

    @view
    def seen(ex: Exchange, tag: str = "") -> tuple:
        calls.append(tag)
        return (id(ex), tag)

    ex, other = _exchange(), _exchange()
    assert seen(ex) is seen(ex) and seen(ex, "a") is seen(ex, "a")
    assert seen(ex) != seen(other) and seen(ex) != seen(ex, "a")
    copy = dataclasses.replace(ex)  # a copy is a new exchange: what it shows may differ
    seen(copy)
    assert calls == ["", "a", "", ""]


def test_two_views_never_share_a_slot():
    @view
    def first(ex: Exchange) -> str:
        return "first"

    @view
    def second(ex: Exchange) -> str:
        return "second"

    ex = _exchange()
    assert (first(ex), second(ex), first(ex)) == ("first", "second", "first")
