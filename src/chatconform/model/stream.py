"""Server-sent events: bytes in, events out (WHATWG rules). No HTTP here.

Robust to CRLF/CR/LF line ends, comments and keep-alives, multi-line `data`, a multibyte
character or a CRLF split across reads, invalid UTF-8, and a stream cut off mid-event.
Linear in the stream's length however it is cut into reads; the number of events is capped.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

from chatconform.model.errors import ChatconformError

MAX_EVENTS = 1_000_000  # far above any real answer (one token per chunk); past it the stream is refused
_EOL = re.compile(r"\r\n|\r|\n")  # the only line ends SSE knows (str.splitlines knows more)


class StreamTooLong(ChatconformError):
    """A stream with more events than MAX_EVENTS (refused loudly rather than judged in part)."""


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

    def __init__(self, max_events: int | None = None):
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._partial: list[str] = []  # text of the line not yet ended, kept in pieces (joined once)
        self._data: list[str] = []
        self._event = ""
        self._id: str | None = None
        self._retry: int | None = None
        self._pending = False
        self._max_events = MAX_EVENTS if max_events is None else max_events
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
        if self._partial:
            self._line("".join(self._partial))
            self._partial = []
        if self._pending:
            self.result.incomplete = "\n".join(self._data) or self._event or "(fields without data)"
        return self.result

    def _consume(self, text: str, final: bool) -> list[Event]:
        held_cr = bool(self._partial) and self._partial[-1].endswith("\r")
        if not (final or held_cr or "\n" in text or "\r" in text):
            if text:
                self._partial.append(text)  # no line ends here: nothing to split, nothing copied
            return []
        buffer = "".join(self._partial) + text
        lines = _EOL.split(buffer)
        rest = lines.pop()  # what follows the last line end ('' when the buffer ends with one)
        if not final and buffer.endswith("\r"):
            rest = lines.pop() + "\r"  # a CR at the end may be half of a CRLF: wait for the next read
        self._partial = [rest] if rest else []
        done: list[Event] = []
        for line in lines:
            event = self._line(line)
            if event is not None:
                done.append(event)
        return done

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
        if len(self.result.events) >= self._max_events:
            raise StreamTooLong(f"the stream holds more than {self._max_events:,} events; refused")
        dispatched = Event(data="\n".join(data), event=event or "message", id=self._id, retry=self._retry)
        self.result.events.append(dispatched)
        return dispatched


def parse(body: bytes, chunk_size: int | None = None, max_events: int | None = None) -> Parsed:
    """Parse a whole body (optionally in fixed-size reads, as a network would deliver it)."""
    parser = SSEParser(max_events)
    if chunk_size:
        for start in range(0, len(body), chunk_size):
            parser.feed(body[start : start + chunk_size])
    else:
        parser.feed(body)
    return parser.close()
