"""Run results, HTML summary, the upgrade gate, drift."""
