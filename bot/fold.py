"""One folding for matching words typed by people against text: lower case, no accents."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """« Santé Québec » → « sante quebec » (casefold, then NFKD without combining marks)."""
    if text.isascii():
        return text.lower()  # the same result, without building a decomposition
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))
