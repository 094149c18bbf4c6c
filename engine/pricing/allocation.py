"""Pro-rata allocation of a reduction over lines, by largest remainder.

Line i gets ⌊R·net_i / Σnet⌋; the units left over go one each to the lines with the largest
fractional parts (ties: larger net, then lower line number). R never exceeds Σnet, so no line
goes below zero.
"""

from __future__ import annotations

from collections.abc import Sequence


def pro_rata(amount: int, nets: Sequence[tuple[int, int]]) -> dict[int, int]:
    """Split `amount` over `nets` = [(line_no, net)]; returns {line_no: share} (zeros left out)."""
    total = sum(net for _, net in nets)
    if amount <= 0 or total <= 0:
        return {}
    amount = min(amount, total)
    shares: dict[int, int] = {}
    remainders: list[tuple[int, int, int]] = []  # (−remainder, −net, line_no): sorts best first
    for line_no, net in nets:
        share, remainder = divmod(amount * net, total)
        shares[line_no] = share
        if remainder:
            remainders.append((-remainder, -net, line_no))
    left = amount - sum(shares.values())
    if left:
        remainders.sort()
        for _, _, line_no in remainders[:left]:
            shares[line_no] += 1
    return {line_no: share for line_no, share in shares.items() if share > 0}
