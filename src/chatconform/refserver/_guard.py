"""The reference server's defences against malformed or hostile HTTP: limits, deadlines, JSON errors.

Whatever a client sends, the server answers with a status line and an OpenAI-shaped error object, or closes
the connection within a bounded time, and keeps serving everyone else.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from chatconform.model.inputs import InputError, parse_json
from chatconform.refserver._contract import error_body

_DIGITS = re.compile(r"[0-9]+")  # int() would take "+5", "٥" and "5_0"; HTTP takes ASCII digits only


@dataclass(frozen=True)
class Limits:
    """How long and how much one connection may take."""

    idle: float = (
        15.0  # waiting for the next request; longer than httpx's 5 s pool expiry, so clients close first
    )
    read: float = 5.0  # any silence once a request has begun (a body shorter than its Content-Length)
    deadline: float = 30.0  # a whole request (line, headers, body) however slowly it trickles in
    max_body: int = 1 << 20


class Reaper:
    """One thread that shuts down connections whose request is overdue (slowloris trickling bytes)."""

    def __init__(self, tick: float = 0.1):
        self._due: dict[socket.socket, float] = {}
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._tick = tick
        self._thread = threading.Thread(target=self._run, daemon=True, name="refserver-reaper")
        self._thread.start()

    def watch(self, sock: socket.socket, seconds: float) -> None:
        with self._lock:
            self._due[sock] = time.monotonic() + seconds

    def release(self, sock: socket.socket) -> None:
        with self._lock:
            self._due.pop(sock, None)

    def stop(self) -> None:
        self._stopped.set()

    def _run(self) -> None:
        while not self._stopped.wait(self._tick):
            now = time.monotonic()
            with self._lock:
                overdue = [s for s, due in self._due.items() if due <= now]
                for sock in overdue:
                    del self._due[sock]
            for sock in overdue:
                try:  # the blocked read returns end-of-file; the handler closes
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


class GuardedServer(ThreadingHTTPServer):
    """A threading server (a stalled client holds only its own thread) that keeps its handlers' failures."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, handler, limits: Limits):
        super().__init__(address, handler)
        self.limits, self.reaper = limits, Reaper()
        self.failures: list[str] = []

    def server_close(self):
        if getattr(self, "reaper", None):  # absent when binding failed (a port in use)
            self.reaper.stop()
        super().server_close()

    def note_failure(self, err: BaseException) -> None:
        if len(self.failures) < 100:
            self.failures.append(f"{type(err).__name__}: {err}"[:300])

    def handle_error(self, request, client_address):
        """Clients that time out or go away are not failures of the server; anything else is kept and
        shown."""
        import sys

        err = sys.exc_info()[1]
        if not isinstance(err, (ConnectionError, OSError, ValueError)):
            self.note_failure(err)
            super().handle_error(request, client_address)


class GuardedHandler(BaseHTTPRequestHandler):
    """BaseHTTPRequestHandler with bounded reads, JSON errors and no handler that dies on a request."""

    protocol_version = "HTTP/1.1"
    server: GuardedServer  # the server that made the handler (typeshed says only BaseServer)
    raw_requestline: bytes  # set by the base's handle_one_request (typeshed does not declare it)

    def log_message(self, *args):
        pass

    def log_request(self, *args):
        pass  # the base formats self.requestline, which a refused request line never set

    def handle_one_request(self):
        limits = self.server.limits
        self._started = False
        self.connection.settimeout(limits.idle)
        self.server.reaper.watch(self.connection, limits.idle + limits.deadline)
        try:
            super().handle_one_request()
        finally:
            self.server.reaper.release(self.connection)

    def parse_request(self) -> bool:
        """The request line has come: from now on silence is bounded by the read timeout (then 408)."""
        self.connection.settimeout(self.server.limits.read)
        # HTTP/0.9 (two words, split as the base splits them): its answers have no status line; refuse it
        if len(str(self.raw_requestline, "iso-8859-1").split()) == 2:
            # None, as the base itself leaves it for a request line it cannot read (typeshed says str)
            self.command, self.request_version = None, self.protocol_version  # type: ignore[assignment]
            self.send_error(HTTPStatus.BAD_REQUEST, "a request line is a method, a target and HTTP/1.x")
            return False
        try:
            return super().parse_request()
        except TimeoutError:
            self.send_error(HTTPStatus.REQUEST_TIMEOUT, "the request headers stalled")
            return False

    def error_object(self, status: int, message: str) -> dict:
        """The error body for a status (a subclass answers in the envelope of the request's dialect)."""
        kind = "server_error" if status >= 500 else "invalid_request_error"
        code = HTTPStatus(status).phrase.lower().replace(" ", "_").replace("-", "_")
        return error_body(message, kind, code)

    def handle_expect_100(self) -> bool:
        """Refuse a bad length before inviting the body."""
        return self._length() is not None and super().handle_expect_100()

    def send_response(self, code, message=None):
        self._started = True
        super().send_response(code, message)

    def send_error(self, code, message=None, explain=None):
        """Every error the base class raises (bad request line, too many headers...) as a JSON error
        object."""
        status = HTTPStatus(code) if code in HTTPStatus._value2member_map_ else HTTPStatus.BAD_REQUEST
        if self.request_version == "HTTP/0.9" or not self.request_version:
            self.request_version = self.protocol_version  # a status line always, even for garbage
        data = json.dumps(self.error_object(status, message or status.phrase)).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.send_header("connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def read_json(self):
        """The request body as JSON (any type), or None once a 4xx has been sent."""
        length = self._length()
        if length is None:
            return None
        try:
            raw = self.rfile.read(length) if length else b""
        except TimeoutError:
            self.send_error(HTTPStatus.REQUEST_TIMEOUT, f"the body stalled before its {length} bytes came")
            return None
        self.server.reaper.release(self.connection)  # the request is in; answering is not bounded by it
        if len(raw) < length:
            self.send_error(HTTPStatus.BAD_REQUEST, f"the body ended after {len(raw)} of {length} bytes")
            return None
        try:
            return parse_json(raw, "the request body")
        except InputError as err:
            self.send_error(HTTPStatus.BAD_REQUEST, str(err))
            return None

    def _length(self) -> int | None:
        """The declared body length, or None once 400, 411 or 413 has been sent (the body is never read)."""
        if self.headers.get("transfer-encoding") is not None:
            self.send_error(
                HTTPStatus.LENGTH_REQUIRED,
                "send the body with a Content-Length; Transfer-Encoding is not accepted here",
            )
            return None
        values = {v.strip() for v in self.headers.get_all("content-length") or ()}
        if not values:
            return 0
        value = values.pop()
        if values or not _DIGITS.fullmatch(value):
            self.send_error(HTTPStatus.BAD_REQUEST, f"Content-Length {value[:40]!r} is not one whole number")
            return None
        limit, digits = self.server.limits.max_body, value.lstrip("0") or "0"
        if len(digits) > len(str(limit)) or int(digits) > limit:  # never int() of 5,000 digits (a ValueError)
            self.send_error(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                f"a body of {digits[:40]} bytes is over the {limit:,}-byte limit",
            )
            return None
        return int(digits)

    def guarded(self, answer) -> None:
        """Run one handler; a bug in it is a 500 error object (or a closed stream), never a dead
        connection."""
        try:
            answer()
        except (TimeoutError, OSError):
            raise  # the client went away or stalled: the base class and handle_error close quietly
        except Exception as err:  # noqa: BLE001 (the one place a request may not kill the handler)
            self.server.note_failure(err)
            self.close_connection = True
            if not self._started:
                self.send_error(
                    HTTPStatus.INTERNAL_SERVER_ERROR,
                    f"the reference server failed on this request ({type(err).__name__})",
                )
