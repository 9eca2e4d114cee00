"""A throwaway chatconform project pinning one spec document: test data for odd and hostile specs."""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path

from chatconform.specs._catalog import Source
from chatconform.specs._load import LoadedSpec
from chatconform.specs._prepare import prepare

MODEL = "test/model"  # the catalog entry this spec is the contract for (provider aimlapi, by its host)
CHAT = "/v1/chat/completions"
S = "#/components/schemas/"

# Our own small OpenAPI 3.0 document in AIML's shape: refs to components, a nullable field, a
# streamed 200, and a path template with a parameter (the pointer must escape "/" and survive "{").
BASE = {
    "openapi": "3.0.0",
    "info": {"title": "test spec", "version": "1"},
    "paths": {
        CHAT: {
            "post": {
                "requestBody": {"content": {"application/json": {"schema": {"$ref": S + "Request"}}}},
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {"schema": {"$ref": S + "Completion"}},
                            "text/event-stream": {"schema": {"$ref": S + "Chunk"}},
                        },
                    }
                },
            }
        },
        "/v1/threads/{thread_id}/messages": {
            "get": {
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {"application/json": {"schema": {"$ref": S + "MessageList"}}},
                    }
                }
            }
        },
    },
    "components": {
        "schemas": {
            "Request": {
                "type": "object",
                "required": ["model", "messages"],
                "properties": {
                    "model": {"type": "string"},
                    "messages": {"type": "array", "maxItems": 100, "items": {"type": "object"}},
                    "max_tokens": {"type": "integer", "minimum": 1, "nullable": True},
                },
            },
            "Completion": {
                "type": "object",
                "required": ["id", "object", "choices"],
                "properties": {
                    "id": {"type": "string"},
                    "object": {"type": "string", "enum": ["chat.completion"]},
                    "model": {"type": "string"},
                    "choices": {"type": "array", "items": {"$ref": S + "Choice"}},
                },
            },
            "Choice": {
                "type": "object",
                "required": ["index", "message"],
                "properties": {
                    "index": {"type": "integer"},
                    "finish_reason": {"type": "string", "nullable": True},
                    "message": {
                        "type": "object",
                        "properties": {"content": {"type": "string", "nullable": True}},
                    },
                },
            },
            "Chunk": {
                "type": "object",
                "required": ["id", "choices"],
                "properties": {"id": {"type": "string"}, "choices": {"type": "array"}},
            },
            "MessageList": {
                "type": "object",
                "required": ["object", "data"],
                "properties": {"object": {"type": "string"}, "data": {"type": "array", "maxItems": 3}},
            },
        }
    },
}
GOOD = {
    "id": "x",
    "object": "chat.completion",
    "model": MODEL,
    "choices": [{"index": 0, "finish_reason": "stop", "message": {"content": "hi"}}],
}
NO_ID = {k: v for k, v in GOOD.items() if k != "id"}
REQUEST = {"model": MODEL, "messages": [{"role": "user", "content": "Hi"}]}


def base() -> dict:
    """A fresh copy of the base document."""
    return copy.deepcopy(BASE)


def write_project(root: Path, doc, mirror: Path | None = None) -> Path:
    """root/specs with sources.toml and a lock pinning `doc` (a dict, or bytes as they are); root returned.

    With `mirror`, the document is also put where `specs pull --mirror` looks for it."""
    data = doc if isinstance(doc, bytes) else json.dumps(doc).encode()
    url = "https://example.org/specs/test.json"
    specs = root / "specs"
    (specs / "test").mkdir(parents=True, exist_ok=True)
    (specs / "test" / "spec.json").write_bytes(data)
    (specs / "sources.toml").write_text(
        f'[[source]]\nid = "test/spec"\nkind = "spec"\nprovider = "aimlapi"\nmodels = ["{MODEL}"]\n'
        f'url = "{url}"\n'
    )
    pin = {"url": url, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data), "retrieved_at": "t"}
    (specs / "specs.lock").write_text(json.dumps({"version": 1, "sources": {"test/spec": pin}}))
    if mirror is not None:
        (mirror / "example.org" / "specs").mkdir(parents=True, exist_ok=True)
        (mirror / "example.org" / "specs" / "test.json").write_bytes(data)
    return root


def loaded(doc: dict) -> LoadedSpec:
    """A LoadedSpec straight from a document, as the store would build it (no files)."""
    data = json.dumps(doc, sort_keys=True).encode()
    ready = prepare(doc, "specs/test/spec.json")
    source = Source(
        id="test/spec",
        kind="spec",
        url="https://example.org/specs/test.json",
        provider="aimlapi",
        models=(MODEL,),
    )
    return LoadedSpec(
        source=source,
        path=Path("specs/test/spec.json"),
        sha256=hashlib.sha256(data).hexdigest(),
        raw=doc,
        doc=ready.doc,
        rewrites=dict(ready.rewrites),
        checked=ready.checked,
        problems=ready.problems,
    )


def chat_interaction(body, url: str = "https://api.aimlapi.com" + CHAT, method: str = "POST") -> dict:
    """One recorded interaction (vcrpy layout) answering a chat request with `body`."""
    return {
        "request": {
            "method": method,
            "uri": url,
            "headers": {"Content-Type": ["application/json"]},
            "body": json.dumps(REQUEST) if method == "POST" else None,
        },
        "response": {
            "status": {"code": 200, "message": "OK"},
            "headers": {"Content-Type": ["application/json"]},
            "body": {"string": json.dumps(body)},
        },
    }
