"""Write the seed documentation examples as cassettes (provenance: docs). Re-run when the seeds change.

usage: python scripts/docs_cassettes.py SEEDS_DIR UPSTREAM_DIR

Its successor for AIML's whole catalog is `chatconform catalog sync aimlapi` + `chatconform specs pull
--update` + `chatconform catalog examples aimlapi` (every example of every pinned page, into
cassettes/aimlapi-catalog/, same provenance keys plus page sha256 and example index). This script stays
for the five seed cassettes (cassettes/aimlapi/*, from seed pages that are not pinned) and ModelsLab's,
and reads printed bodies with the same reader the catalog uses; its output is byte for byte the
committed files.

Every body below is what the page prints (re-serialised as compact JSON); nothing is invented.
Pages show no HTTP status or headers: the status is the one the model's own spec documents and the
content type is the one the page's JSON implies; both are said in the provenance as assumptions.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from chatconform.discovery._literals import printed_value
from chatconform.recording.cassettes import dump_cassette
from chatconform.recording.scrub import scrub_body, scrub_headers

AIML_URL = "https://api.aimlapi.com/v1/chat/completions"
AIML_DOCS = "https://docs.aimlapi.com/api-references/text-models-llm/google/"
AIML_HEADERS = {"Authorization": ["Bearer <YOUR_AIMLAPI_KEY>"], "Content-Type": ["application/json"]}
ML_BASE = "https://modelslab.com/api/v7/llm"
ML_DOCS = "https://raw.githubusercontent.com/ModelsLab/docs-v2/refs/heads/main/llm-api/"
HELLO = [{"role": "user", "content": "Hello"}]
MANKIND = [{"role": "user", "content": "Hi! What do you think about mankind?"}]

AIML_PAGES = [
    # (seed file, page slug, model, request body as the page's code example sends it, status, note)
    (
        "000_a6db2bc7298b7cea.txt",
        "gemini-2.5-flash",
        "google/gemini-2.5-flash",
        {"model": "google/gemini-2.5-flash", "messages": MANKIND, "max_tokens": 15000},
        200,
        "request from the JavaScript tab (the Python tab lacks a comma after `messages`)",
    ),
    (
        "001_ec4c80b6eafa758e.txt",
        "gemini-2.5-pro",
        "google/gemini-2.5-pro",
        {"model": "google/gemini-2.5-pro", "messages": MANKIND, "max_tokens": 15000},
        200,
        "request from the Python tab",
    ),
    (
        "003_f5d91b7a74c9febf.txt",
        "gemini-1.5-flash",
        "gemini-1.5-flash",
        {"model": "gemini-1.5-flash", "messages": HELLO},
        201,
        "request from the Python tab; the response is printed as a Python dict (print(data)) and read "
        "back with ast.literal_eval; its emoji are mojibake on the page and are kept as printed; status "
        "201 is the only one this model's spec documents",
    ),
    (
        "004_c4e35e929fb2bdd7.txt",
        "gemini-2.5-flash-lite-preview",
        "google/gemini-2.5-flash-lite-preview",
        {"model": "google/gemini-2.5-flash-lite-preview", "messages": HELLO},
        200,
        "request from the Python tab",
    ),
]


def response_block(page: str):
    """The JSON (json5 or Python-dict) body in the page's 'Response' block."""
    block = re.search(r"<summary>Response</summary>.*?```json5\n(.*?)\n```", page, re.S).group(1)
    return printed_value(block)[0]


def interaction(method, url, headers, body, status=None, resp_body=None):
    """One vcrpy interaction, scrubbed like every recorded one."""
    req = {
        "method": method,
        "uri": url,
        "headers": scrub_headers(headers),
        "body": scrub_body(json.dumps(body, ensure_ascii=False)) if body is not None else None,
    }
    if status is None:
        return {"request": req, "response": None}
    text = json.dumps(resp_body, ensure_ascii=False)  # compact, as the committed cassettes are
    return {
        "request": req,
        "response": {
            "status": {"code": status, "message": {200: "OK", 201: "Created"}[status]},
            "headers": {"Content-Type": ["application/json"]},
            "body": {"string": scrub_body(text)},
        },
    }


def provenance(provider, model, page, snapshot, notes):
    return {
        "origin": "docs",
        "provider": provider,
        "model": model,
        "document": page,
        "snapshot": snapshot,
        "created_by": "scripts/docs_cassettes.py",
        "assumed": "HTTP status and Content-Type (pages show bodies only)",
        "notes": notes,
    }


def aiml(seeds: Path, out: Path) -> None:
    for seed, slug, model, request, status, note in AIML_PAGES:
        body = response_block((seeds / seed).read_text(encoding="utf-8"))
        item = interaction("POST", AIML_URL, AIML_HEADERS, request, status, body)
        dump_cassette(
            out / "aimlapi" / slug / "docs-example.yaml",
            [item],
            provenance("aimlapi", model, AIML_DOCS + slug, f"seed page {seed}", note),
        )


def modelslab(upstream: Path, out: Path) -> None:
    seed_request = {
        "model_id": "gemini-2.5-flash",
        "messages": HELLO,
        "max_tokens": 1000,
        "key": "YOUR_API_KEY",
    }
    dump_cassette(
        out / "modelslab" / "gemini-2.5-flash" / "docs-example.yaml",
        [
            interaction(
                "POST", f"{ML_BASE}/chat/completions", {"Content-Type": ["application/json"]}, seed_request
            )
        ],
        {
            **provenance(
                "modelslab",
                "gemini-2.5-flash",
                "https://modelslab.com/models/google/gemini-2.5-flash/api.md",
                "seed page 002_aa3c8bd87b854291.txt",
                "the Python Quick Start; the page prints no response, so none is recorded; "
                "its placeholder `key` went through the scrubber like any key",
            ),
            "assumed": "nothing: request only",
        },
    )
    pages = ("chat-completions", "messages", "count-tokens", "list-models")
    for slug in pages:
        text = (upstream / "modelslab-docs-v2/llm-api" / f"{slug}.mdx").read_text(encoding="utf-8")
        dump_cassette(
            out / "modelslab" / "Qwen2.5-VL-72B-Instruct-together" / f"docs-{slug}.yaml",
            [_mdx_interaction(slug, text)],
            provenance(
                "modelslab",
                "Qwen/Qwen2.5-VL-72B-Instruct-together",
                ML_DOCS + f"{slug}.mdx",
                f"shared/upstream/modelslab-docs-v2/llm-api/{slug}.mdx",
                "request from the page's `## Body` block, response from `## Response`",
            ),
        )


def _mdx_interaction(slug: str, text: str):
    blocks = {m.group(1): m.group(2) for m in re.finditer(r"## (\w+)\n\n```json\n(.*?)\n```", text, re.S)}
    path = {
        "chat-completions": "/chat/completions",
        "messages": "/v1/messages",
        "count-tokens": "/v1/messages/count_tokens",
        "list-models": "/v1/models",
    }[slug]
    headers = (
        {"Authorization": ["Bearer $MODELSLAB_API_KEY"]}
        if slug == "chat-completions"
        else {"x-api-key": ["$MODELSLAB_API_KEY"]}
    )
    body = json.loads(blocks["Body"]) if "Body" in blocks else None
    if body is not None:
        headers["Content-Type"] = ["application/json"]
    return interaction(
        "POST" if body is not None else "GET",
        ML_BASE + path,
        headers,
        body,
        200,
        json.loads(blocks["Response"]),
    )


if __name__ == "__main__":
    seeds_dir, upstream_dir = Path(sys.argv[1]), Path(sys.argv[2])
    aiml(seeds_dir, Path("cassettes"))
    modelslab(upstream_dir, Path("cassettes"))
