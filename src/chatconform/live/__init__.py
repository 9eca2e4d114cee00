"""Live calls: the client with retries, the budget, scenarios, targets, strategies, interop fuzzing."""
