"""Imports every claim module so that each registers its claims."""
