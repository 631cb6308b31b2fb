"""refdb: a historiography reference database."""

__version__ = "0.1.0"
