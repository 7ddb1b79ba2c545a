"""Keyed pseudonyms for audit exports: children and staff are not named unless entitled.

A recipient's key is ``HMAC-SHA256(master secret, "caseapp-pseudonym-v1:" + recipient)``,
so the same person gets the same pseudonym throughout one recipient's exports (a case can be
followed) but a different one for every other recipient (two recipients cannot link their
exports by pseudonym). The master secret lives in the instance folder (``keys.py``).
Data minimisation follows 002, Day 1 (Judge Winter: firewalls and data protection measures).

``PERSONAL_KEYS`` is the one list of diff keys whose values are personal data; keep it up
to date when a model gains a field that names or identifies a person.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from caseapp.audit.bundle_verifier import encode_canonical

# Values under these keys (at any depth of a diff) are replaced by pseudonyms.
PERSONAL_KEYS = frozenset(
    {
        "given_name",
        "family_name",
        "patronymic",
        "name",
        "names",
        "full_name",
        "alias",
        "aliases",
        "search_key",
        "email",
        "phone",
        "address",
        "identified_by_name",
        "person_name",
        "contact",
        "date_of_birth",
        "document_number",
    }
)
# Values under these keys are user ids: shown as the same staff pseudonym as the actor.
USER_ID_KEYS = frozenset({"actor_id", "user_id", "caseworker_id", "made_by_id"})


# Pseudonyms kept in memory per export (a few MB at most).
CACHE_SIZE = 65536
# Personal values (names, dates of birth, ...) pseudonymised lately, kept for the next entries
# of the same case, which follow close by: a thousand hold the names of the few hundred cases
# a working day touches, about 0.25 MB. Each child has names of its own, so a cache as large
# as ``CACHE_SIZE`` grew by 10 MB with 100,000 cases, for look-ups that hit no more often;
# 4,096 cost 0.6 MB more of the export's peak than 1,024 for no measurable time (issue 16
# item 6: the peak).
PERSONAL_CACHE_SIZE = 1024


_CONTAINERS = (dict, list)


def _is_user_key(key: str) -> bool:
    return key in USER_ID_KEYS or key.endswith("_by_id")


class Pseudonymiser:
    """Turns people into stable, recipient-specific pseudonyms."""

    def __init__(self, master_secret: bytes, recipient: str) -> None:
        """Derive the recipient's key from the master secret."""
        self.key = hmac.new(
            master_secret, f"caseapp-pseudonym-v1:{recipient}".encode(), hashlib.sha256
        ).digest()
        # The recipient's HMAC with its key already taken in: each pseudonym copies it
        # (``HMAC.copy``) instead of setting the key up again, 1.9 us against 3.1 us on the
        # export's hot path (issue 16 item 6).
        self._keyed = hmac.new(self.key, digestmod=hashlib.sha256)
        self._token = lru_cache(maxsize=CACHE_SIZE)(self._compute)
        self._personal: dict[str, str] = {}

    def _compute(self, kind: str, value: str) -> str:
        mac = self._keyed.copy()
        mac.update(f"{kind}:{value}".encode())
        return f"{kind[0].upper()}-{mac.hexdigest()[:16]}"

    def staff(self, user_id: int | None) -> str | None:
        """The pseudonym of a member of staff (``S-...``), or None."""
        return None if user_id is None else self._token("staff", str(user_id))

    def personal(self, value):
        """The pseudonym of one personal value (``P-...``); None and booleans stay."""
        kind = type(value)
        if kind is str:
            # A plain dictionary in front of the keyed hash: one look-up per value on the
            # export's hot path (issue 16 item 6), bounded like the hash's own cache.
            token = self._personal.get(value)
            return token if token is not None else self._new_personal(value)
        if value is None or kind is bool or isinstance(value, bool):
            return value
        if kind is list or isinstance(value, list):
            # Scalars of the list (a diff's ``[old, new]``) without a call each.
            get = self._personal.get
            out: list = []
            for item in value:
                if type(item) is str:
                    token = get(item)
                    out.append(token if token is not None else self._new_personal(item))
                elif item is None:
                    out.append(None)
                else:
                    out.append(self.personal(item))
            return out
        if isinstance(value, dict):
            return {k: self.personal(v) for k, v in value.items()}
        return self._new_personal(str(value))

    def _new_personal(self, text: str) -> str:
        token = self._personal.get(text)
        if token is None:
            if len(self._personal) >= PERSONAL_CACHE_SIZE:
                self._personal.clear()
            token = self._personal[text] = self._compute("personal", text)
        return token

    def _users(self, value):
        if isinstance(value, list):
            return [self._users(v) for v in value]
        if isinstance(value, int) and not isinstance(value, bool):
            return self.staff(value)
        return value

    def diff_and_text(self, value, text: str | None = None) -> tuple[object, str | None]:
        """``diff(value)`` and its canonical JSON text (``encode_canonical``; None for None).

        ``text`` is the canonical text of ``value`` itself, when the caller has it (the chain
        walk wrote it for the personal digest): a diff with nothing to replace is returned
        as it is (``diff``), so its text is ``text``, not encoded again (a gate evaluation of
        nineteen safeguards: 54 us; issue 16 item 6). A test holds the result equal to
        ``diff`` and its encoding.
        """
        out = self.diff(value)
        if out is None:
            return None, None
        if out is value and text is not None:
            return out, text
        return out, encode_canonical(out)

    def diff(self, value):
        """The diff with personal values and user ids replaced, at any depth.

        What holds nothing to replace is returned as it is, not copied (a gate evaluation's
        nineteen safeguards are many dictionaries and lists), so that the caller can tell
        (``diff_and_text``); a changed dictionary or list is a new one, and the diff given is
        never changed. Called for every exported entry (issue 16 item 6).
        """
        kind = type(value)
        if kind is dict or (kind is not list and isinstance(value, dict)):
            out = None
            for key, item in value.items():
                if key in PERSONAL_KEYS:
                    # Also a nested sub-diff of a personal record (e.g. a child's name):
                    # every leaf is personal, except flags and empty values.
                    new = self.personal(item)
                elif key in USER_ID_KEYS or key.endswith("_by_id"):
                    new = self._users(item)
                elif type(item) in _CONTAINERS or isinstance(item, _CONTAINERS):
                    new = self.diff(item)
                else:
                    continue
                if new is not item:
                    if out is None:
                        out = dict(value)
                    out[key] = new
            return value if out is None else out
        if kind is list or isinstance(value, list):
            changed = None
            for index, item in enumerate(value):
                if type(item) in _CONTAINERS or isinstance(item, _CONTAINERS):
                    new = self.diff(item)
                    if new is not item:
                        if changed is None:
                            changed = list(value)
                        changed[index] = new
            return value if changed is None else changed
        return value
