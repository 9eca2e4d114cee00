"""The nouns every layer speaks: an Exchange and its stream of events, findings and verdicts, JSON pointers,
errors and exit codes, and the one bounded loader for every file a command reads."""

__all__: list[str] = []  # its nouns live in its public modules (exchange, finding, verdict, ...)
