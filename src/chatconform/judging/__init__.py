"""The one judging path: judge() and the schema checks, spec defects and derived schemas it applies."""

__all__: list[str] = []  # judge(), route() and the checks live in its public modules
