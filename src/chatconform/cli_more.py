"""Further commands (claims, serve, gate, report, specs diff), registered on the main parser."""


def register(sub) -> None:
    """Add the further commands to the `chatconform` parser."""
