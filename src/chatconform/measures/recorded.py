"""Measures of recorded traffic (cassettes): usage honesty and identity, per model asked and dialect."""

from __future__ import annotations

from chatconform.dialects import recognise
from chatconform.measures.catalog import measures
from chatconform.measures.counters import counter_for
from chatconform.measures.subject import Subject
from chatconform.measures.usage import identity, usage_honesty
from chatconform.providers import ProviderData
from chatconform.recording.cassettes import CassetteError, find_cassettes, load_cassette


def measure_recorded(paths, name: str, data: ProviderData, tokenizer: str = "none") -> tuple[dict, list]:
    """(subject, results): one usage-honesty and one identity result per model asked and dialect (the
    cassettes read, and each subject priced, with the run's provider `data`)."""
    groups: dict[tuple[str, str], list] = {}
    providers = set()
    for path in find_cassettes(paths):
        try:
            cassette = load_cassette(path, data, strict=False)
        except CassetteError:
            continue  # `chatconform verify` names what cannot be read; a measure reads what it can
        for ex in cassette.exchanges:
            found, model = recognise(ex.request), ex.request_json.get("model")
            if found is None or not isinstance(model, str) or not found.is_generation(ex.request.path):
                continue
            groups.setdefault((model, found.name), []).append(ex)
            providers.add(ex.provider)
    results = []
    counter = counter_for(tokenizer)
    for (model, dialect), exchanges in sorted(groups.items()):
        if not any(ex.ok for ex in exchanges):
            continue  # only refusals (an unknown model): nothing answered to measure
        subject = Subject(name, model, {dialect: ""}, provider=min(providers), tokenizer=tokenizer, data=data)
        results.append(usage_honesty(measures()["usage-honesty"], dialect, subject, exchanges, counter))
        results.append(identity(measures()["identity"], dialect, subject, exchanges))
    return {
        "name": name,
        "model": None,
        "provider": ",".join(sorted(providers)),
        "tokenizer": tokenizer,
        "recorded": [str(p) for p in paths],
    }, results
