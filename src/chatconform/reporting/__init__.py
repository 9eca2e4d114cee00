"""Run results, HTML summary, the upgrade gate, drift."""

from chatconform.reporting._summary_panel import replay_command

__all__ = ["replay_command"]
