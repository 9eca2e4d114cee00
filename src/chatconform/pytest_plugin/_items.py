"""The tests the plugin makes (there is no test file to copy), and collectors whose input problems are one
line."""

from __future__ import annotations

import pytest

from chatconform.model.errors import ChatconformError


class OneLine:
    """A collector whose input problems are one line, never a traceback."""

    def repr_failure(self, excinfo, style=None):  # Node's signature: pytest gives a collector no style
        if isinstance(excinfo.value, ChatconformError):
            return str(excinfo.value)
        return super().repr_failure(excinfo)


class ConformanceItem(pytest.Function):
    """A test the plugin makes (there is no test file to copy): one of _run's bodies and what it judges."""

    def __init__(self, *, payload, **kwargs):
        super().__init__(**kwargs)
        self.payload = payload

    @classmethod
    def make(cls, parent, name: str, body, payload) -> ConformanceItem:
        # originalname = name: Allure's test case id is made from it, so each item keeps its own history
        return cls.from_parent(parent, name=name, callobj=body, originalname=name, payload=payload)

    def reportinfo(self):
        # not the bare name: pytest -v would print a name ending the node id with its dots as '::'
        return self.path, None, f"{self.name} ({self.parent.name})"
