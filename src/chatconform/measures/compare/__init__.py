"""`chatconform compare`: one model across subjects (providers, servers, revisions), as HTML and Markdown."""

from chatconform.measures.compare.markdown import markdown
from chatconform.measures.compare.page import page
from chatconform.measures.compare.table import keep, load_runs, tables, trends

__all__ = ["keep", "load_runs", "markdown", "page", "tables", "trends"]
