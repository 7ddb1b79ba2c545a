"""Git merge driver for translation catalogues: the union of both sides' messages.

Catalogues are sorted and location-free, but two branches adding strings next to each
other still collide as text. Enable with:

    git config merge.po.driver "python3 scripts/merge_po.py %O %A %B"

(`.gitattributes` maps ``*.po`` to it). Messages present on either side are kept; where both
translate the same msgid differently, ours wins. Obsolete messages are dropped later by
``make i18n-update``.
"""

from __future__ import annotations

import sys

from babel.messages.pofile import read_po, write_po


def _read(path: str):
    with open(path, "rb") as fh:
        return read_po(fh)


def main(base: str, ours: str, theirs: str) -> int:
    """Merge ``theirs`` into ``ours`` in place."""
    merged = _read(ours)
    for message in _read(theirs):
        if not message.id:
            continue
        existing = merged.get(message.id, message.context)
        if existing is None:
            merged[message.id] = message
        elif not existing.string or (
            isinstance(existing.string, tuple) and not all(existing.string)
        ):
            existing.string = message.string
            existing.flags = message.flags
    merged.fuzzy = False
    with open(ours, "wb") as fh:
        write_po(fh, merged, width=0, no_location=True, sort_output=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
