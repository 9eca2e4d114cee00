"""The replay guard refuses every way past loopback (TCP, UDP, sendto/sendmsg, DNS, IPv6) and says why."""

import asyncio
import socket

import httpx
import pytest

from chatconform.recording import netguard

OUTSIDE = "198.51.100.7"  # TEST-NET-2: unroutable, so even a guard failure sends nothing anywhere


def _has_ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as probe:
            probe.bind(("::1", 0))
        return True
    except OSError:
        return False


@pytest.mark.parametrize(
    "host, expected",
    [
        ("127.0.0.1", True),
        ("127.9.9.9", True),
        ("::1", True),
        ("::1%lo", True),
        ("::ffff:127.0.0.1", True),
        ("::ffff:7f00:1", True),
        ("localhost", True),
        ("LocalHost", True),
        (b"127.0.0.1", True),
        ("0.0.0.0", False),
        ("::", False),
        ("::ffff:198.51.100.7", False),
        ("2001:db8::1", False),
        ("localhost.", False),
        ("api.localhost.example", False),
        ("127.1", False),
        ("example.com", False),
        (None, False),
        (5, False),
    ],
)
def test_what_counts_as_loopback(host, expected):
    assert netguard.is_loopback(host) is expected


@pytest.mark.parametrize(
    "family, kind, address",
    [
        (socket.AF_INET, socket.SOCK_STREAM, (OUTSIDE, 443)),
        (socket.AF_INET, socket.SOCK_DGRAM, (OUTSIDE, 53)),
        (socket.AF_INET, socket.SOCK_STREAM, ("example.com", 80)),
        (socket.AF_INET, socket.SOCK_STREAM, ("0.0.0.0", 80)),
        (socket.AF_INET6, socket.SOCK_STREAM, ("2001:db8::1", 443, 0, 0)),
        (socket.AF_INET6, socket.SOCK_STREAM, ("::ffff:" + OUTSIDE, 443, 0, 0)),
    ],
)
def test_connect_and_connect_ex_past_loopback_are_refused(family, kind, address):
    with netguard.blocked(), socket.socket(family, kind) as sock:
        with pytest.raises(netguard.NetworkBlocked, match="network blocked in replay mode"):
            sock.connect(address)
        with pytest.raises(netguard.NetworkBlocked):
            sock.connect_ex(address)


def test_udp_datagrams_past_loopback_are_refused_in_every_form():
    with netguard.blocked(), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        with pytest.raises(netguard.NetworkBlocked, match=f"UDP sendto to {OUTSIDE}:53 refused"):
            sock.sendto(b"x", (OUTSIDE, 53))
        with pytest.raises(netguard.NetworkBlocked, match="UDP sendto"):
            sock.sendto(b"x", 0, (OUTSIDE, 53))
        with pytest.raises(netguard.NetworkBlocked, match="UDP sendmsg"):
            sock.sendmsg([b"x"], [], 0, (OUTSIDE, 53))


def test_udp_to_loopback_still_arrives():
    with (
        netguard.blocked(),
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as server,
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as client,
    ):
        server.bind(("127.0.0.1", 0))
        server.settimeout(2)
        client.sendto(b"one", server.getsockname())
        client.sendmsg([b"two"], [], 0, server.getsockname())
        assert {server.recv(10), server.recv(10)} == {b"one", b"two"}


@pytest.mark.skipif(not _has_ipv6_loopback(), reason="this machine has no IPv6 loopback")
def test_ipv6_and_ipv4_mapped_loopback_are_allowed_alike():
    with (
        netguard.blocked(),
        socket.create_server(("127.0.0.1", 0)) as v4,
        socket.create_server(("::1", 0), family=socket.AF_INET6) as v6,
    ):
        for family, address in (
            (socket.AF_INET6, ("::1", v6.getsockname()[1], 0, 0)),
            (socket.AF_INET6, ("::ffff:127.0.0.1", v4.getsockname()[1], 0, 0)),
            (socket.AF_INET, ("localhost", v4.getsockname()[1])),
        ):
            with socket.socket(family, socket.SOCK_STREAM) as client:
                client.settimeout(2)
                client.connect(address)


@pytest.mark.parametrize(
    "call, args",
    [
        (socket.getaddrinfo, ("example.com", 443)),
        (socket.getaddrinfo, (OUTSIDE, 443)),
        (socket.getaddrinfo, (b"example.com", 443)),
        (socket.gethostbyname, ("example.com",)),
        (socket.gethostbyname_ex, ("example.com",)),
        (socket.gethostbyaddr, ("8.8.8.8",)),
        (socket.getnameinfo, (("8.8.8.8", 53), 0)),
    ],
)
def test_lookups_of_anything_but_localhost_are_refused(call, args):
    with netguard.blocked():
        # look the function up again inside the block: that is what a library calling socket.X does
        with pytest.raises(netguard.NetworkBlocked, match="DNS"):
            getattr(socket, call.__name__)(*args)


def test_lookups_of_localhost_and_of_no_host_are_answered():
    with netguard.blocked():
        assert socket.getaddrinfo("localhost", 80)
        assert socket.getaddrinfo("127.0.0.1", 80)
        assert socket.getaddrinfo(None, 80, flags=socket.AI_PASSIVE)
        assert socket.gethostbyname("localhost").startswith("127.")


def test_unix_sockets_stay_usable(tmp_path):
    path = str(tmp_path / "s")
    with netguard.blocked(), socket.socket(socket.AF_UNIX) as server, socket.socket(socket.AF_UNIX) as client:
        server.bind(path)
        server.listen()
        client.connect(path)


@pytest.mark.skipif(not hasattr(socket, "AF_NETLINK"), reason="AF_NETLINK is Linux only")
def test_other_families_are_refused():
    with netguard.blocked(), socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0) as sock:
        with pytest.raises(netguard.NetworkBlocked, match="family"):
            sock.sendto(b"x", (0, 0))


def test_httpx_and_asyncio_are_refused_too():
    with netguard.blocked():
        with pytest.raises(httpx.ConnectError, match="network blocked in replay mode"):
            httpx.get("http://example.com/", timeout=2)
        with pytest.raises(httpx.ConnectError, match="network blocked in replay mode"):
            httpx.get(f"http://{OUTSIDE}/", timeout=2)
        with pytest.raises(netguard.NetworkBlocked):
            asyncio.run(asyncio.wait_for(asyncio.open_connection(OUTSIDE, 443), 2))
        with pytest.raises(netguard.NetworkBlocked):
            asyncio.run(asyncio.wait_for(asyncio.open_connection("example.com", 443), 2))


def test_the_refusal_names_the_test_and_the_missing_cassette():
    with netguard.blocked(test="tests/x.py::test_y"):
        with pytest.raises(netguard.NetworkBlocked) as caught, socket.socket() as sock:
            sock.connect((OUTSIDE, 443))
        message = str(caught.value)
        assert "TCP connect to 198.51.100.7:443 refused in tests/x.py::test_y" in message
        assert "no cassette covers this request" in message
        assert "chatconform check --mode record" in message  # the user's command, not this repository's make
        with pytest.raises(netguard.NetworkBlocked) as caught:
            socket.getaddrinfo("example.com", 443)
        assert "DNS lookup (getaddrinfo) of 'example.com' refused in tests/x.py::test_y" in str(caught.value)
        assert "no cassette covers this request" in str(caught.value)


def test_the_plugin_blocks_every_replay_test_and_names_it(request):
    # no explicit block here: the plugin's autouse guard (replay is the default mode) is what refuses
    assert request.config.getoption("--mode") == "replay"
    with pytest.raises(netguard.NetworkBlocked, match=f"refused in {request.node.nodeid}"):
        socket.getaddrinfo("example.com", 443)


def test_a_nested_block_leaves_the_outer_one_in_force():
    with netguard.blocked(test="outer"):
        with netguard.blocked(test="inner"):
            pass
        with pytest.raises(netguard.NetworkBlocked, match="refused in outer"):
            socket.getaddrinfo("example.com", 443)


def test_leaving_every_block_restores_the_real_functions():
    saved = socket.socket.connect, socket.getaddrinfo
    with netguard.blocked():
        assert socket.socket.connect is not saved[0] and socket.getaddrinfo is not saved[1]
    assert (socket.socket.connect, socket.getaddrinfo) == saved
