"""The one judging path: judge() and the schema checks, spec defects and derived schemas it applies."""
