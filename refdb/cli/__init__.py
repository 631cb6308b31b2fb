"""Typer sub-apps, one module per command group, plus output rendering."""
