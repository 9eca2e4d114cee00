"""Server-sent events: bytes in, events out (WHATWG rules). No HTTP here.

Robust to CRLF/CR/LF line ends, comments and keep-alives, multi-line `data`, a multibyte
character or a CRLF split across reads, invalid UTF-8, and a stream cut off mid-event.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Event:
    """One dispatched event."""

    data: str
    event: str = "message"
    id: str | None = None
    retry: int | None = None


@dataclass
class Parsed:
    """Everything a stream contained, including what went wrong with it."""

    events: list[Event] = field(default_factory=list)
    comments: int = 0
    incomplete: str | None = None  # text of an event that never got its closing blank line
    invalid_utf8: bool = False


class SSEParser:
    """Incremental parser: feed() bytes as they arrive, close() at end of stream."""

    def __init__(self):
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._buffer = ""
        self._data: list[str] = []
        self._event = ""
        self._id: str | None = None
        self._retry: int | None = None
        self._pending = False
        self.result = Parsed()

    def feed(self, chunk: bytes) -> list[Event]:
        """Parse a chunk; return the events it completed."""
        text = self._decoder.decode(chunk)
        self.result.invalid_utf8 |= "\ufffd" in text
        return self._consume(text, final=False)

    def close(self) -> Parsed:
        """End of stream: flush, and keep any unterminated event as `incomplete`."""
        tail = self._decoder.decode(b"", final=True)
        self.result.invalid_utf8 |= "\ufffd" in tail
        self._consume(tail, final=True)
        if self._buffer:
            self._line(self._buffer)
            self._buffer = ""
        if self._pending:
            self.result.incomplete = "\n".join(self._data) or self._event or "(fields without data)"
        return self.result

    def _consume(self, text: str, final: bool) -> list[Event]:
        self._buffer += text
        done: list[Event] = []
        while True:
            cut = _line_end(self._buffer, final)
            if cut is None:
                return done
            line, self._buffer = self._buffer[: cut[0]], self._buffer[cut[1]:]
            event = self._line(line)
            if event is not None:
                done.append(event)
                self.result.events.append(event)

    def _line(self, line: str) -> Event | None:
        if line == "":
            return self._dispatch()
        if line.startswith(":"):
            self.result.comments += 1
            return None
        name, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        self._pending = True
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value
        elif name == "id" and "\0" not in value:
            self._id = value
        elif name == "retry" and value.isdigit():
            self._retry = int(value)
        return None

    def _dispatch(self) -> Event | None:
        data, event = self._data, self._event
        self._data, self._event, self._pending = [], "", False
        if not data:
            return None
        return Event(data="\n".join(data), event=event or "message", id=self._id, retry=self._retry)


def _line_end(buffer: str, final: bool) -> tuple[int, int] | None:
    """(end of line, start of next) for the first line in buffer, or None if it is not complete."""
    for index, char in enumerate(buffer):
        if char == "\n":
            return index, index + 1
        if char == "\r":
            if index + 1 < len(buffer):
                return index, index + (2 if buffer[index + 1] == "\n" else 1)
            return (index, index + 1) if final else None  # a CR at the end may be half of a CRLF
    return None


def parse(body: bytes, chunk_size: int | None = None) -> Parsed:
    """Parse a whole body (optionally in fixed-size reads, as a network would deliver it)."""
    parser = SSEParser()
    if chunk_size:
        for start in range(0, len(body), chunk_size):
            parser.feed(body[start:start + chunk_size])
    else:
        parser.feed(body)
    return parser.close()
