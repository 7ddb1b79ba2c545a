"""Catalogue chores: ``python scripts/i18n.py missing|fill-en|apply [--locale LL] FILE.json``.

caseapp speaks the languages of the region's authorities: English, Romanian, Russian and
Ukrainian (``LOCALES``; issue 12 item 8). Every catalogue must translate every string.

- ``missing [LL ...]``: print the msgids each catalogue lacks or leaves untranslated, as
  ``LL<TAB>"msgid"`` lines (exit 1 if any). Without locales: all four.
- ``fill-en``: the English catalogue translates every message to itself.
- ``apply [--locale LL] FILE.json``: merge ``{"msgid": "translation", ...}`` into the
  catalogue of ``LL`` (default ``ru``). A plural message takes a list with one string per
  plural form of the language; a message with a context is keyed ``"context\\u0004msgid"``.
  A file ``{"ro": {...}, "uk": {...}}`` (keys are locales) fills several catalogues at once.
Run ``make i18n-update`` first so the catalogues hold every string in the code.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = ROOT / "caseapp" / "translations"
LOCALES = ("en", "ro", "ru", "uk")
CONTEXT_SEPARATOR = "\x04"  # as in compiled catalogues: "context\x04msgid"


def _load(locale: str):
    path = CATALOGUES / locale / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as fh:
        return path, read_po(fh, locale=locale)


def _save(path: Path, catalog) -> None:
    catalog.fuzzy = False
    catalog.revision_date = catalog.creation_date  # keep the header stable between runs
    # Unwrapped, as ``make i18n-update`` writes them (pybabel update --no-wrap): an update and
    # an apply write the same layout, one message per line, so diffs and merges stay small.
    with path.open("wb") as fh:
        write_po(fh, catalog, width=0, no_location=True, sort_output=True)


def key(message) -> str:
    """The message's msgid (the singular of a plural), prefixed by its context if it has one."""
    msgid = message.id if isinstance(message.id, str) else message.id[0]
    return f"{message.context}{CONTEXT_SEPARATOR}{msgid}" if message.context else msgid


def untranslated(catalog) -> list[str]:
    """Keys of the messages with no translation, a fuzzy one, or a missing plural form."""
    missing = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        short = isinstance(message.id, tuple) and len(strings) < catalog.num_plurals
        if short or message.fuzzy or not all(strings):
            missing.append(key(message))
    return missing


def apply(locale: str, translations: dict) -> int:
    """Merge translations into one catalogue; returns how many messages were filled."""
    path, catalog = _load(locale)
    filled = 0
    for message in catalog:
        if not message.id or key(message) not in translations:
            continue
        value = translations[key(message)]
        if isinstance(message.id, tuple):
            value = tuple(value) if isinstance(value, list) else (value,) * catalog.num_plurals
        message.string = value
        message.flags.discard("fuzzy")
        filled += 1
    _save(path, catalog)
    return filled


def main(argv: list[str]) -> int:
    """Entry point."""
    command = argv[1] if len(argv) > 1 else "missing"
    if command == "missing":
        locales = argv[2:] or LOCALES
        count = 0
        for locale in locales:
            for msgid in untranslated(_load(locale)[1]):
                print(f"{locale}\t{json.dumps(msgid, ensure_ascii=False)}")
                count += 1
        return 1 if count else 0
    if command == "fill-en":
        path, catalog = _load("en")
        for message in catalog:
            if isinstance(message.id, tuple) and not all(message.string or ("",)):
                message.string = message.id  # singular and plural as written in the code
            elif message.id and not message.string:
                message.string = message.id
            message.flags.discard("fuzzy")
        _save(path, catalog)
        return 0
    if command == "apply":
        args = argv[2:]
        locale = "ru"
        if args[:1] == ["--locale"]:
            locale, args = args[1], args[2:]
        data = json.loads(Path(args[0]).read_text(encoding="utf-8"))
        per_locale = data if set(data) <= set(LOCALES) else {locale: data}
        for code, translations in per_locale.items():
            print(f"{code}: {apply(code, translations)} messages")
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
