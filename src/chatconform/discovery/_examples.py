"""The code examples of a page: each group of language tabs (or one code block) with the Responses it
prints."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Order matters: a fence is matched first, so nothing inside code (a `# comment`, a `<summary>` in a string)
# is ever taken for page structure.
_TOKEN = re.compile(
    r"^[ \t]*```(?P<lang>[\w+-]*)[^\n]*\n(?P<code>.*?)^[ \t]*```[ \t]*$"
    r"|(?P<tabs>{%\s*tabs\s*%})|(?P<endtabs>{%\s*endtabs\s*%})|{%\s*tab\s+title=\"(?P<tab>[^\"]*)\"\s*%}"
    r"|<summary>(?P<summary>.*?)</summary>|(?P<close></details>)|^(?P<heading>#{1,6}[ \t][^\n]*)$",
    re.S | re.M,
)
_CALL_HINT = re.compile(r"https?://|\bcurl\b")


@dataclass(frozen=True)
class Tab:
    """One language tab (or a lone code block) of an example."""

    title: str
    language: str
    code: str


@dataclass(frozen=True)
class Printed:
    """A block the page prints under a "Response" summary."""

    summary: str
    language: str
    text: str


@dataclass
class Example:
    """One example: its number on the page (1-based), the heading above it, its tabs and printed responses."""

    index: int
    heading: str
    tabs: list[Tab] = field(default_factory=list)
    responses: list[Printed] = field(default_factory=list)


def examples_of(text: str) -> list[Example]:
    """Every example of a page in order: a {% tabs %} group, or a lone code block that makes a call."""
    state = _State()
    for match in _TOKEN.finditer(text):
        state.feed(match)
    return [e for e in state.examples if e.tabs]


class _State:
    """Walks the page's structure, keeping the heading, tab and <details> summary in force."""

    def __init__(self) -> None:
        self.examples: list[Example] = []
        self.heading = ""
        self.in_tabs = False
        self.tab = ""
        self.summary = ""

    def feed(self, m: re.Match) -> None:
        """Take one token of the page."""
        if m.group("heading"):
            self.heading, self.summary = m.group("heading").lstrip("#").strip(), ""
        elif m.group("tabs"):
            self.in_tabs, self.tab = True, ""
            self.examples.append(Example(len(self.examples) + 1, self.heading))
        elif m.group("endtabs"):
            self.in_tabs = False
        elif m.group("tab") is not None:
            self.tab = m.group("tab")
        elif m.group("summary") is not None:
            self.summary = m.group("summary").strip()
        elif m.group("close"):
            self.summary = ""
        elif m.group("code") is not None:
            self._code(m.group("lang").lower(), m.group("code"))

    def _code(self, lang: str, code: str) -> None:
        """A fenced block: a tab, a printed response, or a lone example making a call."""
        if self.in_tabs and self.examples:
            self.examples[-1].tabs.append(Tab(self.tab or lang, lang, code))
        elif self.summary.lower().startswith("response"):
            if self.examples:
                self.examples[-1].responses.append(Printed(self.summary, lang, code))
        elif lang in ("python", "javascript", "js", "bash", "shell", "sh", "curl") and _CALL_HINT.search(
            code
        ):
            title = self.summary or {"js": "JavaScript"}.get(lang, lang.capitalize())
            self.examples.append(Example(len(self.examples) + 1, self.heading, [Tab(title, lang, code)]))
