"""Tools only this repository's own tests and `make bench` use: never shipped in the wheel."""
