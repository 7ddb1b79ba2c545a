"""Inclusion and consistency proofs over the chain's Merkle tree (RFC 9162, section 2.1).

The leaf and node hashes, the frontier and the proof *checks* live in
``caseapp.audit.bundle_verifier`` (the standalone verifier); this module builds the proofs.
``Tree`` keeps every level of the tree in flat byte arrays (64 bytes per entry in all), so
any subtree hash -- and so any proof -- costs ``O(log n)`` once the tree is built.
"""

from __future__ import annotations

from collections.abc import Iterable

from caseapp.audit.bundle_verifier import EMPTY_ROOT, leaf_hash, node_hash


def _largest_power_of_two_below(n: int) -> int:
    return 1 << ((n - 1).bit_length() - 1)


class Tree:
    """The Merkle tree of a chain prefix, built from its entries' hashes (hex, in order)."""

    def __init__(self, entry_hashes: Iterable[str]) -> None:
        """Hash every leaf and every perfect subtree, level by level."""
        level = bytearray()
        for entry_hash in entry_hashes:
            level += leaf_hash(bytes.fromhex(entry_hash))
        self.size = len(level) // 32
        self.levels = [bytes(level)]
        while len(level) >= 64:
            level = bytearray().join(
                node_hash(level[i : i + 32], level[i + 32 : i + 64])
                for i in range(0, len(level) - 63, 64)
            )
            self.levels.append(bytes(level))

    def _node(self, height: int, index: int) -> bytes:
        return self.levels[height][index * 32 : index * 32 + 32]

    def subtree(self, start: int, end: int) -> bytes:
        """``MTH(D[start:end])`` as RFC 9162 defines it (end > start)."""
        n = end - start
        if n & (n - 1) == 0 and start % n == 0:
            return self._node(n.bit_length() - 1, start // n)
        k = _largest_power_of_two_below(n)
        return node_hash(self.subtree(start, start + k), self.subtree(start + k, end))

    def root(self, size: int | None = None) -> str:
        """The root of the first ``size`` leaves (hex)."""
        size = self.size if size is None else size
        return EMPTY_ROOT if size == 0 else self.subtree(0, size).hex()

    def inclusion(self, index: int, size: int | None = None) -> list[bytes]:
        """``PATH(index, D[0:size])``: the audit path of one leaf, bottom up."""
        size = self.size if size is None else size

        def path(m: int, start: int, end: int) -> list[bytes]:
            n = end - start
            if n <= 1:
                return []
            k = _largest_power_of_two_below(n)
            if m < k:
                return [*path(m, start, start + k), self.subtree(start + k, end)]
            return [*path(m - k, start + k, end), self.subtree(start, start + k)]

        return path(index, 0, size)

    def consistency(self, old_size: int, size: int | None = None) -> list[bytes]:
        """``PROOF(old_size, D[0:size])``: that the tree of ``size`` extends ``old_size``."""
        size = self.size if size is None else size
        if old_size in (0, size):
            return []

        def subproof(m: int, start: int, end: int, whole: bool) -> list[bytes]:
            n = end - start
            if m == n:
                return [] if whole else [self.subtree(start, end)]
            k = _largest_power_of_two_below(n)
            if m <= k:
                return [*subproof(m, start, start + k, whole), self.subtree(start + k, end)]
            return [*subproof(m - k, start + k, end, False), self.subtree(start, start + k)]

        return subproof(old_size, 0, size, True)
