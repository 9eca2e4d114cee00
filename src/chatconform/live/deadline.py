"""A total deadline for one live call: connect, TLS, headers, every read of the body or stream.

httpx's timeouts bound each socket operation, not the whole call: a server sending a byte a second, or its
headers and then nothing, never trips them. The network backend here gives each operation at most what is
left of the call's deadline, so every call ends by then, however the server trickles.
"""

from __future__ import annotations

import time

import httpcore


class DeadlineExceeded(Exception):
    """The call's whole deadline passed before the answer was complete."""


class BodyTooLarge(Exception):
    """The answer's body (decompressed) grew past the bound."""


class Deadline:
    """A point in time a call must be over by (reset for each attempt)."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.at = time.monotonic() + seconds

    def start(self) -> None:
        """Start counting again (a new attempt)."""
        self.at = time.monotonic() + self.seconds

    def passed(self) -> bool:
        """True once the deadline is behind us."""
        return time.monotonic() >= self.at

    def left(self, timeout: float | None) -> float:
        """The timeout an operation may use: its own, cut to what is left; past the deadline, an error."""
        left = self.at - time.monotonic()
        if left <= 0:
            raise DeadlineExceeded(f"no complete answer within the call's deadline of {self.seconds:g} s")
        return left if timeout is None else min(timeout, left)


class _Stream(httpcore.NetworkStream):
    """A socket stream whose every read and write ends by the deadline."""

    def __init__(self, stream, deadline: Deadline):
        self._stream, self._deadline = stream, deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, self._deadline.left(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, self._deadline.left(timeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None):
        upgraded = self._stream.start_tls(ssl_context, server_hostname, self._deadline.left(timeout))
        return _Stream(upgraded, self._deadline)

    def get_extra_info(self, info: str):
        return self._stream.get_extra_info(info)


class _Backend(httpcore.NetworkBackend):
    """httpcore's own synchronous backend, its connections bounded by the deadline."""

    def __init__(self, deadline: Deadline):
        self._backend, self._deadline = httpcore.SyncBackend(), deadline

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        stream = self._backend.connect_tcp(
            host, port, self._deadline.left(timeout), local_address, socket_options
        )
        return _Stream(stream, self._deadline)

    def connect_unix_socket(self, path, timeout=None, socket_options=None):  # pragma: no cover
        return _Stream(
            self._backend.connect_unix_socket(path, self._deadline.left(timeout), socket_options),
            self._deadline,
        )

    def sleep(self, seconds: float) -> None:  # pragma: no cover
        self._backend.sleep(seconds)


def bounded_transport(deadline: Deadline, **options):
    """An httpx transport whose connections all end by `deadline`."""
    import httpx

    transport = httpx.HTTPTransport(**options)
    pool = getattr(transport, "_pool", None)
    # httpx takes no network backend of its own; its pool (httpcore's ConnectionPool) does, under this name
    if pool is None or not hasattr(pool, "_network_backend"):
        raise RuntimeError("this httpx/httpcore no longer exposes its pool's network backend")
    pool._network_backend = _Backend(deadline)
    return transport
