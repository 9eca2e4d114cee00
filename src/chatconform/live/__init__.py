"""Live calls: the client with retries, the budget, scenarios, targets, strategies, interop fuzzing."""

__all__: list[str] = []  # the client, budget and scenarios live in its public modules
