"""Filter groups and triggers: which lines and receipts a campaign looks at.

Filters of one type form a group. A value (blank is "") passes a group when it is not excluded
(an excluded filter with its code, `""` for blank, or no code = the whole group) and included (no
non-excluded filter in the group, or one with its code). Groups are compiled once per campaign
into sets so that checking a line is a few set lookups.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from engine.campaigns.types import LINE_FILTER_TYPES, RECEIPT_FILTER_TYPES
from engine.pricing.state import WorkLine
from engine.pricing.types import CampaignDef, FilterDef, TriggerDef, TriggerLineDef


@dataclass(frozen=True)
class Group:
    excluded: frozenset[str]
    excludes_all: bool
    included: frozenset[str] | None  # None: no non-excluded filter (everything included)

    def passes(self, value: str) -> bool:
        if self.excludes_all or value in self.excluded:
            return False
        return self.included is None or value in self.included


def compile_group(filters: Iterable[FilterDef]) -> Group:
    excluded: set[str] = set()
    included: set[str] = set()
    excludes_all = includes_all = has_included = False
    for rule in filters:
        if rule.excluded:
            if rule.code is None:
                excludes_all = True
            else:
                excluded.add(rule.code)
        else:
            has_included = True
            if rule.code is None:
                includes_all = True  # a whole-group inclusion includes every value
            else:
                included.add(rule.code)
    return Group(frozenset(excluded), excludes_all,
                 frozenset(included) if has_included and not includes_all else None)


@dataclass(frozen=True)
class CompiledFilters:
    line_groups: tuple[tuple[str, Group], ...]  # (filter type, group)
    receipt_groups: tuple[tuple[str, Group], ...]
    # the line group with the fewest included codes, if any: only lines with one of these
    # values can pass, so pricing looks them up instead of testing every line
    narrowest: tuple[str, frozenset[str]] | None = None
    triggers: CompiledTriggers | None = None  # None: the campaign has none

    def line_passes(self, values: dict[str, str]) -> bool:
        return all(group.passes(values[kind]) for kind, group in self.line_groups)

    def receipt_passes(self, values: dict[str, str]) -> bool:
        return all(group.passes(values[kind]) for kind, group in self.receipt_groups)


def compile_filters(campaign: CampaignDef) -> CompiledFilters:
    def groups(kinds: tuple[str, ...]) -> tuple[tuple[str, Group], ...]:
        return tuple((kind, compile_group(f for f in campaign.filters if f.type == kind))
                     for kind in kinds if any(f.type == kind for f in campaign.filters))

    line_groups = groups(LINE_FILTER_TYPES)
    including = [(kind, group.included) for kind, group in line_groups
                 if group.included is not None]
    narrowest = min(including, key=lambda pair: len(pair[1])) if including else None
    return CompiledFilters(line_groups, groups(RECEIPT_FILTER_TYPES), narrowest,
                           compile_triggers(campaign.triggers) if campaign.triggers else None)


def matches(rule: TriggerLineDef, values: dict[str, str]) -> bool:
    """A trigger or free line against a line's values (code omitted: any non-blank value)."""
    value = values.get(rule.type, "")
    return value != "" if rule.code is None else value == rule.code


class Scanned:
    """The receipt as scanned, for triggers: its sellable lines, and those lines by (filter
    type, value) as pricing files them."""

    def __init__(self, lines: Sequence[WorkLine],
                 by_value: Mapping[tuple[str, str], Sequence[WorkLine]]) -> None:
        self.lines = lines
        self.by_value = by_value
        # units by (filter type, value), summed once: many triggers ask for the same values
        self.counted: dict[tuple[str, str], int] = {}

    def units(self, kind: str, code: str) -> int:
        key = (kind, code)
        found = self.counted.get(key)
        if found is None:
            found = self.counted[key] = sum(line.quantity for line in self.by_value.get(key, ()))
        return found

    def matching(self, rules: tuple[TriggerLineDef, ...]) -> int:
        """Units of lines matching any of `rules`."""
        kind = rules[0].type if rules else ""
        if rules and all(rule.type == kind and rule.code is not None for rule in rules):
            # one type: a line has one value of it, so per-code sums never count a line twice
            return sum(self.units(kind, code) for code in {rule.code for rule in rules})
        return sum(line.quantity for line in self.lines
                   if any(matches(rule, line.values) for rule in rules))


def trigger_holds(trigger: TriggerDef, scanned: Scanned) -> bool:
    if trigger.kind == "pool":
        return scanned.matching(trigger.lines) >= trigger.min_quantity
    return all(scanned.matching((rule,)) >= rule.quantity for rule in trigger.lines)


def triggers_hold(triggers: Iterable[TriggerDef], scanned: Scanned) -> bool:
    """Every pool trigger holds and, if set triggers exist, at least one of them does."""
    sets = []
    for trigger in triggers:
        if trigger.kind == "pool":
            if not trigger_holds(trigger, scanned):
                return False
        else:
            sets.append(trigger)
    return not sets or any(trigger_holds(t, scanned) for t in sets)


# ---------------------------------------------------------------- triggers, compiled

# units of the lines matching `rules` must reach `need`; `keys`: the (type, code) values to sum
# units of when the rules name codes of one type (a line has one value of it), else None
Check = tuple[tuple[tuple[str, str], ...] | None, tuple[TriggerLineDef, ...], int]


@dataclass(frozen=True)
class CompiledTriggers:
    """A campaign's triggers as `triggers_hold` judges them, their rules turned into the
    values to look up once per snapshot: every pool check holds and, if set triggers exist,
    every check of one of them."""

    pools: tuple[Check, ...]
    sets: tuple[tuple[Check, ...], ...]

    def hold(self, scanned: Scanned) -> bool:
        return (all(_reached(check, scanned) for check in self.pools)
                and (not self.sets or any(all(_reached(check, scanned) for check in checks)
                                          for checks in self.sets)))


def _check(rules: tuple[TriggerLineDef, ...], need: int) -> Check:
    kind = rules[0].type if rules else ""
    if not rules or not all(rule.type == kind and rule.code is not None for rule in rules):
        return None, rules, need
    codes = dict.fromkeys(rule.code for rule in rules)  # each once (Scanned.matching)
    return tuple((kind, code) for code in codes if code is not None), rules, need


def _reached(check: Check, scanned: Scanned) -> bool:
    keys, rules, need = check
    if keys is None:
        return scanned.matching(rules) >= need
    units = scanned.units
    return sum(units(kind, code) for kind, code in keys) >= need


def compile_triggers(triggers: Iterable[TriggerDef]) -> CompiledTriggers:
    pools, sets = [], []
    for trigger in triggers:
        if trigger.kind == "pool":
            pools.append(_check(trigger.lines, trigger.min_quantity))
        else:
            sets.append(tuple(_check((rule,), rule.quantity) for rule in trigger.lines))
    return CompiledTriggers(tuple(pools), tuple(sets))
