"""`make bench`: validator, verify and catalog-scale throughput, each beside a baseline."""
