"""Catalogue chores: ``python scripts/i18n.py missing|fill-en|apply FILE.json``.

- ``missing``: print msgids the Russian catalogue lacks or leaves untranslated (exit 1 if any).
- ``fill-en``: the English catalogue translates every message to itself.
- ``apply FILE.json``: merge ``{"msgid": "перевод", ...}`` into the Russian catalogue.
Run ``make i18n-update`` first so the catalogues hold every string in the code.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = ROOT / "caseapp" / "translations"


def _load(locale: str):
    path = CATALOGUES / locale / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as fh:
        return path, read_po(fh, locale=locale)


def _save(path: Path, catalog) -> None:
    catalog.fuzzy = False
    catalog.revision_date = catalog.creation_date  # keep the header stable between runs
    with path.open("wb") as fh:
        write_po(fh, catalog, width=0, no_location=True, sort_output=True)


def untranslated(catalog) -> list[str]:
    """msgids with no translation (or only a fuzzy one)."""
    missing = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


def main(argv: list[str]) -> int:
    """Entry point."""
    command = argv[1] if len(argv) > 1 else "missing"
    if command == "missing":
        _, catalog = _load("ru")
        missing = untranslated(catalog)
        for msgid in missing:
            print(json.dumps(msgid, ensure_ascii=False))
        return 1 if missing else 0
    if command == "fill-en":
        path, catalog = _load("en")
        for message in catalog:
            if message.id and not message.string:
                message.string = message.id
            message.flags.discard("fuzzy")
        _save(path, catalog)
        return 0
    if command == "apply":
        translations = json.loads(Path(argv[2]).read_text(encoding="utf-8"))
        path, catalog = _load("ru")
        for message in catalog:
            key = message.id if isinstance(message.id, str) else message.id[0]
            if key in translations:
                value = translations[key]
                message.string = tuple(value) if isinstance(message.id, tuple) else value
                message.flags.discard("fuzzy")
        _save(path, catalog)
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
