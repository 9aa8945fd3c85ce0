"""The package version, kept in this one place (read by hatchling and the changelog check)."""

__version__ = "0.1.0"
