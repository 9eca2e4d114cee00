"""Cassettes in and out: reading, recording with scrubbing, SSE, the replay network guard."""
