"""Real network blocking for replay mode: only loopback connections are allowed.

The reference provider listens on loopback, so it stays reachable; anything else fails at connect
time with a message that names the cassette the test should have had.
"""

from __future__ import annotations

import ipaddress
import socket
from contextlib import contextmanager

_REAL_CONNECT = socket.socket.connect
_REAL_CONNECT_EX = socket.socket.connect_ex
_REAL_GETADDRINFO = socket.getaddrinfo


class NetworkBlocked(OSError):
    """A connection to a non-loopback address was attempted in replay mode."""


def _is_loopback(host) -> bool:
    if host in ("localhost", "", None):
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


def _host(address):
    if isinstance(address, tuple) and address:
        return address[0]
    return None  # AF_UNIX paths are local


def _refuse(host, hint: str):
    raise NetworkBlocked(f"network blocked in replay mode: connection to {host} refused; {hint}")


@contextmanager
def blocked(hint: str = "record the missing cassette with `make record` (--mode record)"):
    """Within the block, sockets may only connect to loopback addresses."""
    def connect(sock, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(_host(address)):
            _refuse(_host(address), hint)
        return _REAL_CONNECT(sock, address)

    def connect_ex(sock, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(_host(address)):
            _refuse(_host(address), hint)
        return _REAL_CONNECT_EX(sock, address)

    def getaddrinfo(host, *args, **kwargs):
        if not _is_loopback(host):
            _refuse(host, hint)
        return _REAL_GETADDRINFO(host, *args, **kwargs)

    socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo = connect, connect_ex, getaddrinfo
    try:
        yield
    finally:
        socket.socket.connect, socket.socket.connect_ex = _REAL_CONNECT, _REAL_CONNECT_EX
        socket.getaddrinfo = _REAL_GETADDRINFO
