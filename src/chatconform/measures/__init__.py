"""Behavioural measures: does a provider honour the parameters it documents, agree with itself streamed and
not and across dialects, report honest usage, and answer as the model asked? Each measure repeats a small
trial until a Wilson interval decides (stats.py), spends within a plan printed before any traffic, and keeps
every exchange it used as evidence that can be rescored offline."""

from chatconform.measures.catalog import MeasureSpec, measures, selected
from chatconform.measures.evidence import Evidence, read
from chatconform.measures.results import VERDICTS, MeasureResult
from chatconform.measures.runner import plan, rescore, run
from chatconform.measures.subject import Sender, Subject

__all__ = [
    "Evidence",
    "MeasureResult",
    "MeasureSpec",
    "Sender",
    "Subject",
    "VERDICTS",
    "measures",
    "plan",
    "read",
    "rescore",
    "run",
    "selected",
]
