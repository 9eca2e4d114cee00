"""`chatconform compare`: one model across subjects (providers, servers, revisions), as HTML and Markdown."""

from chatconform.reporting.compare.markdown import markdown
from chatconform.reporting.compare.page import page
from chatconform.reporting.compare.table import keep, load_runs, tables, trends

__all__ = ["keep", "load_runs", "markdown", "page", "tables", "trends"]
