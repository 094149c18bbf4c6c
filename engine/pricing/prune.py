"""Which automatic campaigns a receipt can reach: an index from filter values to campaigns.

A line passes a campaign's filter group only with a value the group includes (when it includes
any), so a campaign with such a group can apply only to a receipt showing one of those values:
on a sellable line for item, item_category, vendor and resource, on the header for location,
debtor and contact. Each campaign is filed under the values of one such group (the line group
with the fewest included codes, else the narrowest header group); a campaign with none (no
filters, excluded values only, a whole-group inclusion) is always reached. Pruning so only drops
campaigns that certainly grant nothing here; everything else is judged as before.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from engine.pricing.filters import CompiledFilters


@dataclass(frozen=True)
class CampaignIndex:
    """Positions in a list of campaigns, by (filter type, value) and always reached."""

    by_value: dict[tuple[str, str], tuple[int, ...]]
    always: frozenset[int]

    def reached(self, values: Iterable[tuple[str, str]]) -> list[int]:
        """The positions of campaigns these values can reach, in list order."""
        found = set(self.always)
        by_value = self.by_value
        for key in values:
            positions = by_value.get(key)
            if positions:
                found.update(positions)
        return sorted(found)


def required_values(filters: CompiledFilters) -> tuple[str, frozenset[str]] | None:
    """A filter type and the values one of which the receipt must show, or None (any may do)."""
    if filters.narrowest is not None:
        return filters.narrowest
    including = [(kind, group.included) for kind, group in filters.receipt_groups
                 if group.included is not None]
    return min(including, key=lambda pair: len(pair[1])) if including else None


def build_index(compiled: Sequence[CompiledFilters]) -> CampaignIndex:
    by_value: dict[tuple[str, str], list[int]] = {}
    always: set[int] = set()
    for position, filters in enumerate(compiled):
        required = required_values(filters)
        if required is None:
            always.add(position)
            continue
        kind, codes = required
        for code in codes:
            by_value.setdefault((kind, code), []).append(position)
    return CampaignIndex({key: tuple(found) for key, found in by_value.items()},
                         frozenset(always))
