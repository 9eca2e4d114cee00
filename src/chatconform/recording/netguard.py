"""Real network blocking for replay mode: every socket call that could leave this machine is refused.

What stays allowed, consistently for every call (connect, connect_ex, sendto, sendmsg, and the name
lookups getaddrinfo, gethostbyname(_ex), gethostbyaddr, getnameinfo):
- loopback addresses: 127.0.0.0/8, ::1, and the IPv4-mapped ::ffff:127.x.y.z (the same host reached
  through a dual-stack socket; Python 3.11's ipaddress does not call it loopback, so we map it back);
- the name "localhost" (any case), which the hosts file answers without DNS;
- AF_UNIX sockets (local by construction).
Everything else is refused: other addresses, the unspecified address 0.0.0.0/:: as a destination, any
other host name (its lookup would be a DNS query), and every other family (AF_PACKET, AF_NETLINK...).
A lookup of no host (None, "", or the wildcard 0.0.0.0/:: that a server binds to) asks no server and
is allowed. Nested blocks restore what they found, so an inner block never lifts an outer one.
The refusal is an OSError naming the call, the destination, the test and the cassette it lacks.
"""

from __future__ import annotations

import ipaddress
import socket
from contextlib import contextmanager

_REAL = {name: getattr(socket.socket, name) for name in ("connect", "connect_ex", "sendto", "sendmsg")}
_REAL_LOOKUPS = {
    name: getattr(socket, name)
    for name in ("getaddrinfo", "gethostbyname", "gethostbyname_ex", "gethostbyaddr", "getnameinfo")
}
_INET = (socket.AF_INET, socket.AF_INET6)
_LOCAL_FAMILIES = (getattr(socket, "AF_UNIX", None),)
_DEFAULT_HINT = "record it with `chatconform check --mode record`"
# "no host" for a lookup: what bind() and a server's wildcard address use; no server is asked
_NO_HOST = (None, "", b"", "0.0.0.0", "::", b"0.0.0.0", b"::")


class NetworkBlocked(OSError):
    """A connection, datagram or lookup past loopback was attempted in replay mode."""


def is_loopback(host) -> bool:
    """True for loopback addresses (IPv4, IPv6, IPv4-mapped) and the name localhost."""
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        return False
    if host.lower() == "localhost":  # not "localhost.": a resolver may send a dotted name to DNS
        return True
    try:
        address = ipaddress.ip_address(host.split("%")[0])  # drop an IPv6 scope id (::1%lo)
    except ValueError:
        return False  # a host name other than localhost: resolving it would be a DNS query
    mapped = getattr(address, "ipv4_mapped", None)
    return (mapped or address).is_loopback


def _refuse(action: str, test: str, hint: str):
    raise NetworkBlocked(
        f"network blocked in replay mode: {action} refused in {test}; no cassette covers this request: {hint}"
    )


def _check_address(sock, address, call: str, test: str, hint: str) -> None:
    """Refuse a destination that is not loopback (AF_INET/6) or a family that may leave the machine."""
    if sock.family in _LOCAL_FAMILIES:
        return
    host = address[0] if isinstance(address, tuple) and address else address
    if sock.family not in _INET or not is_loopback(host):
        kind = {socket.SOCK_DGRAM: "UDP", socket.SOCK_STREAM: "TCP"}.get(sock.type, f"family {sock.family!r}")
        _refuse(f"{kind} {call} to {_show(address)}", test, hint)


def _show(address) -> str:
    """host:port for a tuple address, else its repr."""
    if isinstance(address, tuple) and len(address) >= 2:
        return f"{address[0]}:{address[1]}"
    return repr(address)


def _patched_socket_calls(test: str, hint: str) -> dict:
    """connect, connect_ex, sendto and sendmsg that check their destination first."""

    def connect(sock, address):
        _check_address(sock, address, "connect", test, hint)
        return _REAL["connect"](sock, address)

    def connect_ex(sock, address):
        _check_address(sock, address, "connect", test, hint)
        return _REAL["connect_ex"](sock, address)

    def sendto(sock, data, *args):
        # sendto(data, address) or sendto(data, flags, address): the address is always last
        _check_address(sock, args[-1] if args else None, "sendto", test, hint)
        return _REAL["sendto"](sock, data, *args)

    def sendmsg(sock, buffers, *args):
        if len(args) >= 3 and args[2] is not None:  # (ancdata, flags, address): unconnected datagram
            _check_address(sock, args[2], "sendmsg", test, hint)
        return _REAL["sendmsg"](sock, buffers, *args)

    return {"connect": connect, "connect_ex": connect_ex, "sendto": sendto, "sendmsg": sendmsg}


def _patched_lookups(test: str, hint: str) -> dict:
    """Name and address lookups that answer only for loopback (anything else would ask a DNS server)."""

    def guard(name):
        real = _REAL_LOOKUPS[name]

        def lookup(host, *args, **kwargs):
            target = host[0] if name == "getnameinfo" and isinstance(host, tuple) else host
            if target not in _NO_HOST and not is_loopback(target):
                _refuse(f"DNS lookup ({name}) of {target!r}", test, hint)
            return real(host, *args, **kwargs)

        return lookup

    return {name: guard(name) for name in _REAL_LOOKUPS}


@contextmanager
def blocked(hint: str = _DEFAULT_HINT, test: str = "this test"):
    """Within the block, sockets reach loopback only; every other connection, datagram and lookup fails."""
    saved = ({n: getattr(socket.socket, n) for n in _REAL}, {n: getattr(socket, n) for n in _REAL_LOOKUPS})
    owner: object  # the socket class, then the socket module
    for owner, functions in (
        (socket.socket, _patched_socket_calls(test, hint)),
        (socket, _patched_lookups(test, hint)),
    ):
        for name, function in functions.items():
            setattr(owner, name, function)
    try:
        yield
    finally:
        for owner, functions in zip((socket.socket, socket), saved, strict=True):
            for name, function in functions.items():
                setattr(owner, name, function)
