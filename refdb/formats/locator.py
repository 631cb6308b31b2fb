"""Locators as scholars print them: ``pp. 159–62``, ``p. 84``, ``¶ 4``, ``chapter 3``."""

from __future__ import annotations


def locator_text(label: str | None, locator: str | None) -> str:
    """The printed form of a locator and its label; empty when there is no locator."""
    if not locator:
        return ""
    if label in (None, "page"):
        return f"p{'p' if any(ch in locator for ch in '-–,') else ''}. {locator}"
    if label == "paragraph":
        return f"¶ {locator}"
    return f"{label} {locator}"
