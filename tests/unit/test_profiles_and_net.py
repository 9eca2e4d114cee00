"""Provider profiles shape requests as documented; replay mode really blocks the network."""

import socket

import pytest

from chatconform.model.errors import UsageError
from chatconform.providers import ProviderData, build_request, price_per_token
from chatconform.recording import netguard

DATA = ProviderData.load()  # the built-in data (this repository has no chatconform.toml)
get_profile, identify = DATA.profile, DATA.identify


def test_modelslab_has_both_documented_shapes():
    url, headers, body = build_request(get_profile("modelslab"), "gemini-2.5-flash", {"messages": []}, "k123")
    assert url == "https://modelslab.com/api/v7/llm/chat/completions"
    assert headers["authorization"] == "Bearer k123" and body["model"] == "gemini-2.5-flash"
    url, headers, body = build_request(
        get_profile("modelslab"),
        "gemini-2.5-flash",
        {"messages": []},
        "k123",
        shape="page",
        known=DATA.shapes,
    )
    assert "authorization" not in headers and body["model_id"] == "gemini-2.5-flash" and body["key"] == "k123"
    assert "model" not in body


def test_identify_reads_provider_from_url_and_model_from_body():
    assert identify("https://api.aimlapi.com/v1/chat/completions", {"model": "x"}) == ("aimlapi", "x")
    assert identify("https://modelslab.com/api/v7/llm/chat/completions", {"model_id": "y"}) == (
        "modelslab",
        "y",
    )
    assert identify("http://localhost:8080/v1/chat/completions", {}) == ("openai-compatible", None)


def test_documented_prices():
    assert price_per_token(get_profile("modelslab"), "gemini-2.5-flash") == pytest.approx((0.30e-6, 2.50e-6))
    assert price_per_token(get_profile("aimlapi"), "google/gemini-2.5-flash") is None


def test_unknown_provider_names_the_valid_ones():
    with pytest.raises(
        UsageError,
        match=r"Unknown provider 'aimlap'. Did you mean 'aimlapi'\? "
        r"Known: aimlapi, (\S+, )*modelslab, (\S+, )*openai-compatible\.",
    ):
        get_profile("aimlap")


def test_replay_blocks_non_loopback_connections_and_allows_loopback():
    with netguard.blocked():
        with pytest.raises(netguard.NetworkBlocked, match="network blocked in replay mode"):
            socket.create_connection(("198.51.100.7", 443), timeout=1)
        with pytest.raises(netguard.NetworkBlocked):
            socket.getaddrinfo("api.aimlapi.com", 443)
        server = socket.socket()
        server.bind(("127.0.0.1", 0))
        server.listen()
        client = socket.create_connection(server.getsockname(), timeout=1)
        client.close()
        server.close()


def test_a_target_id_names_a_request_shape_other_than_the_spec_s():
    from chatconform.live.calls import Target

    assert Target("modelslab", "gemini-2.5-flash", shape="page").id == "modelslab-gemini-2.5-flash-page-shape"
    assert Target("aimlapi", "google/gemini-2.5-pro").id == "aimlapi-gemini-2.5-pro"
