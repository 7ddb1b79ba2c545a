"""Script-independent search keys, so "Ivanov" finds "Иванов" and the reverse.

A name is transliterated to ASCII (anyascii), lower-cased, and the spellings on which the
common romanisations of Russian, Ukrainian and Kyrgyz disagree are folded to one form
(Yu/Iu/Ju, Kh/H, Ts/Tz/C, final -iy/-ii/-y, doubled letters). The same fold is applied to the
query, so a match does not depend on the script or the romanisation a caseworker used.
"""

from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii

# Order matters: longer clusters first.
_FOLDS: tuple[tuple[str, str], ...] = (
    ("shch", "sc"),
    ("sch", "sc"),
    ("kh", "h"),
    ("zh", "z"),
    ("ch", "c"),
    ("tz", "c"),
    ("ts", "c"),
    ("ph", "f"),
    ("w", "v"),
    ("x", "ks"),
    ("j", "i"),
    ("y", "i"),
    ("g", "h"),  # Ukrainian Г is romanised H, Russian Г as G: Hryhoriy ~ Grigoriy
)


def fold(text: str) -> str:
    """Fold one string (any script) to its search form."""
    ascii_text = anyascii(unicodedata.normalize("NFKC", text)).lower()
    # Apostrophes (soft signs, O'Brien) vanish; hyphens and other marks separate words, so
    # "Ceban-Rusu" is found by "Rusu" and "Anna-Maria" by "Anna Maria".
    ascii_text = re.sub(r"['`’]+", "", ascii_text)
    ascii_text = re.sub(r"[^a-z ]+", " ", ascii_text)
    for old, new in _FOLDS:
        ascii_text = ascii_text.replace(old, new)
    ascii_text = re.sub(r"(.)\1+", r"\1", ascii_text)  # Anna ~ Ana
    ascii_text = re.sub(r"i+", "i", ascii_text)  # -iy, -ii, -y all end as -i
    return " ".join(ascii_text.split())


def search_key(*parts: str | None) -> str:
    """The stored key for a name made of ``parts`` (family, given, patronymic)."""
    return " ".join(fold(p) for p in parts if p)


def query_tokens(query: str) -> list[str]:
    """Folded tokens of a search query; every token must occur in a matching key."""
    return [t for t in fold(query).split() if t]
