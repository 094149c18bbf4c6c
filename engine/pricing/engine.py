"""price_receipt: which campaigns take part, in which order, and what each one grants.

The one place that knows the order of application: campaigns sorted by their category's
priority (their own when they have none), their own priority, line-level types before
receipt-level ones, then code; several coupons of one campaign in the order scanned. Each run
computes its eligible lines at that moment (filters, item_validity, combinations), checks
from_quantity / from_amount on them, asks the type's strategy for its grant, and applies it — or,
for a campaign with an active coupon issue, records the coupon to issue instead.

Coupons are found as written (`Definitions.coupon_for`: case and dashes ignored) and judged up
front in the one order of engine/coupons/reasons.py; one that then grants nothing is refused
"conditions not met" (no eligible line, or R = 0) or "exceeds open amount".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from operator import attrgetter

from engine.coupons.dateformula import evaluate
from engine.coupons.reasons import (
    ALREADY_APPLIED,
    CAMPAIGN_INACTIVE,
    CONDITIONS_NOT_MET,
    DUPLICATE,
    EXCEEDS_OPEN_AMOUNT,
    first_reason,
)
from engine.coupons.validity import coupon_rejection
from engine.errors import N_, NotFound, PlaydeskError
from engine.money import MAX_AMOUNT
from engine.pricing import strategies
from engine.pricing.filters import (
    CompiledFilters,
    Scanned,
    compile_filters,
    matches,
    triggers_hold,
)
from engine.pricing.prune import CampaignIndex, build_index
from engine.pricing.result import (
    NO_TAX,
    CouponToIssue,
    EntryResult,
    PricedLine,
    PricedReceipt,
    Reduction,
    Rejection,
    priced_line,
)
from engine.pricing.state import WorkLine
from engine.pricing.tax import tax_table
from engine.pricing.types import (
    CampaignDef,
    CouponDef,
    Definitions,
    FreeLineDef,
    LineInput,
    ReceiptInput,
)
from engine.pricing.validity import valid_on

MAX_QUANTITY = 1_000_000  # units on one line
LINE_NO = attrgetter("no")  # lines in receipt order
RUN_ORDER = attrgetter("sort_key")  # runs in order of application
UNREDUCED: frozenset[str] = frozenset()  # the reducers of a line no campaign reduced


@dataclass(frozen=True)
class Customer:
    location: str
    member: str | None
    debtor: str | None
    contact: str | None
    segments: frozenset[str]

    @property
    def filter_values(self) -> dict[str, str]:
        return {"location": self.location, "debtor": self.debtor or "",
                "contact": self.contact or ""}


@dataclass(frozen=True)
class Run:
    """One application of a campaign: by itself, or for one coupon."""

    campaign: CampaignDef
    registration: str  # automatic | manual | coupon
    sort_key: tuple
    filters: CompiledFilters
    coupon: CouponDef | None = None
    coupon_value: bool = False  # the coupon carries the value (discount_type + value)
    written: str = ""  # the coupon as listed on the receipt
    listing: int = -1  # its position among the receipt's coupons
    # validity, receipt-level filters or triggers to judge per receipt (automatic runs)
    has_conditions: bool = True
    timed: bool = True  # dates, weekdays or a time of day to judge (valid_on)
    # the codes of the campaigns this one combines with (_combinable): a line reduced by any
    # other campaign is closed to this run
    combinable: frozenset[str] = frozenset()

    @property
    def unrestricted(self) -> bool:
        return self.coupon is not None and self.coupon.without_restrictions


def price_receipt(receipt: ReceiptInput, definitions: Definitions,
                  at: dt.datetime, *, prune: bool = True) -> PricedReceipt:
    """Price `receipt` at `at` with the campaigns of `definitions`. Pure and deterministic.

    `prune=False` is the plain path the differential test compares with: every automatic
    campaign judged (not only those the receipt's values reach, engine/pricing/prune.py), in
    full (no run skipped as closed), combinations tested pair by pair, every open line tested
    against the filters and the free lines. The same result, slower."""
    lines = _work_lines(receipt, definitions)
    customer = _customer(receipt, definitions)
    pricing = _Pricing(definitions, lines, at, plain=not prune)
    runs, rejected = _plan(receipt, definitions, at, customer, pricing, prune)
    for run, reason in pricing.run_all(runs):
        assert run.coupon is not None
        rejected.append((run.listing, Rejection(run.written, reason, run.coupon.code)))
    priced_lines = tuple(_priced_line(line, source, definitions)
                         for line, source in zip(lines, receipt.lines, strict=True))
    return PricedReceipt(
        at=at, location=receipt.location, member=receipt.member, debtor=customer.debtor,
        contact=customer.contact, lines=priced_lines,
        entries=tuple(pricing.entries), coupons_to_issue=tuple(pricing.to_issue),
        rejected=tuple(rejection for _, rejection in sorted(rejected, key=lambda r: r[0])),
        redeemed_coupons=tuple(pricing.redeemed),
        # after every campaign: receipt-level reductions are on the lines already (tax.md)
        tax=tax_table([(line.tax, line.net) for line in priced_lines], definitions.tax_rates,
                      definitions.tax_mode) if definitions.tax_rates else NO_TAX)


# ---------------------------------------------------------------- the receipt as scanned


def _whole(value: object, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def check_line(no: int, line: LineInput) -> None:
    """A line the apps built by hand gets the receipt file's rules: one kind of thing, a whole
    quantity ≥ 1, whole amounts ≥ 0 — a negative or fractional one would create money."""
    if (line.item is not None) + (line.resource is not None) + (line.package is not None) != 1:
        raise PlaydeskError(N_("line {no}: needs exactly one of item, resource, package"), no=no)
    if not _whole(line.quantity, 1, MAX_QUANTITY):
        raise PlaydeskError(N_("line {no}: quantity must be a whole number from 1 to "
                               "{max_quantity}, not {quantity!r}"),
                            no=no, max_quantity=MAX_QUANTITY, quantity=line.quantity)
    for name in ("unit_price", "manual_discount"):
        value = getattr(line, name)
        if value is not None and not _whole(value, 0, MAX_AMOUNT):
            raise PlaydeskError(N_("line {no}: {name} must be a whole amount in minor units "
                                   "(0 to {max_amount}), not {value!r}"),
                                no=no, name=name, max_amount=MAX_AMOUNT, value=value)


BLANK_VALUES = {"item": "", "item_category": "", "vendor": "", "resource": ""}


def _plain(line: LineInput) -> bool:
    """The everyday line, judged in one expression: exactly one kind of thing, a plain int
    quantity and amounts in range. Anything else goes through `check_line`, which says what
    is wrong (or passes an int subclass)."""
    quantity, unit_price, manual = line.quantity, line.unit_price, line.manual_discount
    return (type(quantity) is int and 1 <= quantity <= MAX_QUANTITY
            and type(manual) is int and 0 <= manual <= MAX_AMOUNT
            and (unit_price is None or (type(unit_price) is int
                                        and 0 <= unit_price <= MAX_AMOUNT))
            and (line.item is not None) + (line.resource is not None)
            + (line.package is not None) == 1)


def _line_facts(definitions: Definitions, no: int, line: LineInput
                ) -> tuple[int, dict[str, str]]:
    """The price and filter values of what a line sells: the same for every line of one
    item (resource, package), so built once per snapshot and shared (read-only)."""
    cache = definitions.scratch.setdefault("line_facts", {})
    key = (line.item, line.resource, line.package)
    found = cache.get(key)
    if found is not None:
        return found
    if line.item is not None:
        item = definitions.items.get(line.item)
        if item is None:
            raise NotFound(N_("line {no}: unknown item {item!r}"), no=no, item=line.item)
        found = (item.price, {**BLANK_VALUES, "item": item.code,
                              "item_category": item.category or "",
                              "vendor": item.vendor or ""})
    elif line.resource is not None:
        resource = definitions.resources.get(line.resource)
        if resource is None:
            raise NotFound(N_("line {no}: unknown resource {resource!r}"),
                           no=no, resource=line.resource)
        found = (resource.price, {**BLANK_VALUES, "resource": resource.code})
    else:
        package = definitions.packages.get(line.package or "")
        if package is None:
            raise NotFound(N_("line {no}: unknown package {package!r}"),
                           no=no, package=line.package)
        found = (package.price, dict(BLANK_VALUES))
    cache[key] = found
    return found


def _work_lines(receipt: ReceiptInput, definitions: Definitions) -> list[WorkLine]:
    lines = []
    cache = definitions.scratch.setdefault("line_facts", {})
    for no, line in enumerate(receipt.lines, start=1):
        if not _plain(line):
            check_line(no, line)
        found = cache.get((line.item, line.resource, line.package))
        price, values = found if found is not None else _line_facts(definitions, no, line)
        unit_price = price if line.unit_price is None else line.unit_price
        gross = unit_price * line.quantity
        manual = min(line.manual_discount, gross)
        # positional: twice as fast as by keyword, once per line
        lines.append(WorkLine(no, line.quantity, unit_price, manual, gross - manual,
                              line.package is not None, values))
    return lines


def _customer(receipt: ReceiptInput, definitions: Definitions) -> Customer:
    member = definitions.members.get(receipt.member) if receipt.member else None
    debtor = receipt.debtor or (member.debtor if member else None)
    return Customer(receipt.location, receipt.member, debtor, receipt.member,
                    member.segments if member else frozenset())


def _priced_line(line: WorkLine, source: LineInput, definitions: Definitions) -> PricedLine:
    gross = line.unit_price * line.quantity
    return priced_line(line.no, source.item, source.resource, source.package, line.quantity,
                       line.unit_price, gross, line.manual_discount, gross - line.net,
                       line.net, tuple(line.reductions),
                       _line_rate(source, definitions) if definitions.tax_rates else None)


def _line_rate(source: LineInput, definitions: Definitions) -> str | None:
    """The tax rate of what the line sells (a money package: none, it is a voucher)."""
    if source.item is not None:
        found = definitions.items.get(source.item)
    elif source.resource is not None:
        found = definitions.resources.get(source.resource)
    else:
        found = definitions.packages.get(source.package or "")
    return found.tax if found is not None else None


# ---------------------------------------------------------------- which campaigns take part


def is_active(campaign: CampaignDef, definitions: Definitions) -> bool:
    """Rule 1: a discount type, active, not deleted, and so is its category (if any)."""
    if campaign.type in ("packages", "category") or not campaign.active or campaign.deleted:
        return False
    if campaign.category is None:
        return True
    category = definitions.campaigns.get(campaign.category)
    return category is not None and category.active and not category.deleted


def _compiled(definitions: Definitions, campaign: CampaignDef) -> CompiledFilters:
    cache = definitions.scratch.setdefault("filters", {})
    found = cache.get(campaign.code)
    if found is None:
        found = cache[campaign.code] = compile_filters(campaign)
    return found


def _category_priority(campaign: CampaignDef, definitions: Definitions) -> int:
    category = definitions.campaigns.get(campaign.category) if campaign.category else None
    return category.priority if category is not None else campaign.priority


def _sort_key(campaign: CampaignDef, definitions: Definitions, order: int) -> tuple:
    cache = definitions.scratch.setdefault("sort_keys", {})
    key = cache.get(campaign.code)
    if key is None:
        key = cache[campaign.code] = (_category_priority(campaign, definitions),
                                      campaign.priority, 0 if campaign.is_line_level else 1,
                                      campaign.code)
    return (*key, order)


def _combinable(campaign: CampaignDef, definitions: Definitions) -> frozenset[str]:
    """The codes of the campaigns that combine with `campaign` (`Definitions.combines`), its
    own among them: those whose code or category is one of its partners. A line is open to
    the campaign when its reducers are a subset (one C-level check instead of a pair test per
    reducer). Once per campaign and snapshot."""
    cache = definitions.scratch.setdefault("combinable", {})
    found = cache.get(campaign.code)
    if found is None:
        named = definitions.scratch.get("by_combination_name")
        if named is None:
            named = definitions.scratch["by_combination_name"] = {}
            for other in definitions.campaigns.values():
                for name in definitions.combination_names(other.code):
                    named.setdefault(name, set()).add(other.code)
        found = cache[campaign.code] = frozenset({campaign.code}.union(
            *(named.get(name, ()) for name in definitions.partners(campaign.code))))
    return found


def _has_conditions(campaign: CampaignDef, filters: CompiledFilters) -> bool:
    """Whether the campaign takes part only on some receipts (rules 2, 5, 6)."""
    return bool(campaign.from_date or campaign.to_date or campaign.weekdays
                or campaign.from_time or campaign.to_time or filters.receipt_groups
                or campaign.triggers)


def _timed(campaign: CampaignDef) -> bool:
    """Whether valid_on can refuse the campaign at some moment."""
    return any(value is not None for value in (campaign.from_date, campaign.to_date,
                                               campaign.weekdays, campaign.from_time,
                                               campaign.to_time))


def _runnable(definitions: Definitions) -> list[Run]:
    """The runs of the automatic campaigns that may take part at all (rule 1), in order of
    application. They are the same for every receipt: built once per definitions snapshot."""
    found = definitions.scratch.get("runnable")
    if found is None:
        runs = []
        for campaign in definitions.discount_campaigns:
            if (campaign.automatic and campaign.type != "couponing"
                    and is_active(campaign, definitions)):
                filters = _compiled(definitions, campaign)
                runs.append(Run(campaign, "automatic", _sort_key(campaign, definitions, -1),
                                filters, has_conditions=_has_conditions(campaign, filters),
                                timed=_timed(campaign),
                                combinable=_combinable(campaign, definitions)))
        found = definitions.scratch["runnable"] = sorted(runs, key=RUN_ORDER)
    return found


def _campaign_index(definitions: Definitions) -> CampaignIndex:
    """`_runnable`'s campaigns by the filter values that can reach them (once per snapshot)."""
    found = definitions.scratch.get("campaign_index")
    if found is None:
        found = definitions.scratch["campaign_index"] = build_index(
            [run.filters for run in _runnable(definitions)])
    return found


def prepare(definitions: Definitions) -> Definitions:
    """Build the snapshot's caches now (when definitions load), not on the first receipt."""
    _campaign_index(definitions)
    return definitions


def _reachable(definitions: Definitions, line_values: Iterable[tuple[str, str]],
               customer: Customer, prune: bool) -> list[Run]:
    """The automatic runs worth judging: those the receipt's values (the sellable lines' and
    the header's) reach; a campaign whose filters no sellable line passes grants nothing."""
    runnable = _runnable(definitions)
    if not prune:
        return runnable
    index = _campaign_index(definitions)
    positions = index.reached([*line_values, *customer.filter_values.items()])
    return [runnable[position] for position in positions]


def _plan(receipt: ReceiptInput, definitions: Definitions, at: dt.datetime, customer: Customer,
          pricing: _Pricing, prune: bool = True
          ) -> tuple[list[Run], list[tuple[int, Rejection]]]:
    """The runs (campaigns and coupons that take part), in order of application, and the
    coupons refused up front."""
    location = definitions.locations.get(receipt.location)
    allowed = location is not None and location.campaigns_allowed
    lines = pricing.sellable
    scanned = Scanned(lines, pricing.by_value)
    receipt_values = customer.filter_values

    day, moment = at.date(), at.time()
    plain = not prune  # triggers judged from their definitions, not compiled

    def conditions_hold(campaign: CampaignDef, filters: CompiledFilters | None = None,
                        timed: bool = True) -> bool:
        if filters is None:
            filters = _compiled(definitions, campaign)
        return ((not timed or valid_on(campaign, day, moment))
                and (not filters.receipt_groups or filters.receipt_passes(receipt_values))
                and (filters.triggers is None or (
                    triggers_hold(campaign.triggers, scanned) if plain
                    else filters.triggers.hold(scanned))))

    def applies_here(campaign: CampaignDef) -> bool:
        """Its conditions hold and some line is of its kind (what a value-less coupon of a
        campaign already taking part would find: decisions 6 and 7)."""
        filters = _compiled(definitions, campaign)
        return conditions_hold(campaign) and any(
            filters.line_passes(line.values) for line in lines)

    runs: list[Run] = []
    automatic = 0
    running: set[str] = set()
    if allowed:
        registered = [definitions.campaigns[code] for code in dict.fromkeys(receipt.campaigns)
                      if code in definitions.campaigns]
        runs = [run for run in _reachable(definitions, pricing.by_value.keys(), customer, prune)
                if not run.has_conditions
                or conditions_hold(run.campaign, run.filters, run.timed)]
        automatic = len(runs)
        if registered or receipt.coupons:  # only they ask what takes part already
            running = {run.campaign.code for run in runs}
        for campaign in registered:
            if (campaign.code not in running and campaign.type != "couponing"
                    and is_active(campaign, definitions) and conditions_hold(campaign)):
                runs.append(Run(campaign, "manual", _sort_key(campaign, definitions, -1),
                                _compiled(definitions, campaign),
                                combinable=_combinable(campaign, definitions)))
                running.add(campaign.code)

    rejected: list[tuple[int, Rejection]] = []
    listed: set[str] = set()  # stored codes of the coupons listed so far
    for order, written in enumerate(receipt.coupons):
        voucher = definitions.coupon_for(written)
        carries_value = bool(voucher and voucher.discount_type and voucher.value is not None)
        reason = coupon_rejection(voucher, at, debtor=customer.debtor, contact=customer.contact,
                                  member_segments=set(customer.segments))
        if reason is None:
            assert voucher is not None
            reason = _campaign_reason(voucher, carries_value, definitions, allowed, running,
                                      listed, conditions_hold, applies_here)
        if voucher is not None:
            listed.add(voucher.code)
        if reason is not None:
            rejected.append((order, Rejection(written, reason,
                                              voucher.code if voucher else None)))
            continue
        assert voucher is not None
        campaign = definitions.campaigns[voucher.campaign]
        runs.append(Run(campaign, "coupon", _sort_key(campaign, definitions, order),
                        _compiled(definitions, campaign), coupon=voucher,
                        coupon_value=carries_value, written=written, listing=order,
                        combinable=_combinable(campaign, definitions)))
        if not carries_value:
            running.add(campaign.code)
    if len(runs) > automatic:  # registrations or coupons joined the automatic runs
        runs.sort(key=RUN_ORDER)  # which are in order already (_runnable)
    return runs, rejected


def _campaign_reason(voucher: CouponDef, carries_value: bool, definitions: Definitions,
                     allowed: bool, running: set[str], listed: set[str],
                     conditions_hold: Callable[[CampaignDef], bool],
                     applies_here: Callable[[CampaignDef], bool]) -> str | None:
    """Why a coupon valid by itself is refused up front (campaign inactive … conditions not
    met), or None; the order of precedence is engine/coupons/reasons.py's."""
    campaign = definitions.campaigns.get(voucher.campaign)

    def adds_nothing() -> bool:
        # a value-less coupon only registers its campaign: nothing when it already takes part
        # (automatic, registered by code or by an earlier coupon) and fits this receipt; the
        # customer keeps it. A campaign taking part that fits no line applies no more than one
        # whose time window fails: that is "conditions not met" (decision 7)
        return (not carries_value and campaign is not None and campaign.code in running
                and applies_here(campaign))

    def conditions_fail() -> bool:
        assert campaign is not None
        if not allowed:
            return True
        if not voucher.without_restrictions and not conditions_hold(campaign):
            return True
        return not carries_value and campaign.type == "couponing"  # no value anywhere

    return first_reason({
        CAMPAIGN_INACTIVE: lambda: campaign is None or not is_active(campaign, definitions),
        DUPLICATE: lambda: voucher.code in listed,
        ALREADY_APPLIED: adds_nothing,
        CONDITIONS_NOT_MET: conditions_fail,
    })


# ---------------------------------------------------------------- running them in order


class _Pricing:
    def __init__(self, definitions: Definitions, lines: list[WorkLine], at: dt.datetime,
                 plain: bool = False) -> None:
        self.definitions = definitions
        self.plain = plain  # no shortcuts (price_receipt's prune=False)
        self.lines = lines
        self.at = at
        self.entries: list[EntryResult] = []
        self.to_issue: list[CouponToIssue] = []
        self.redeemed: list[str] = []
        self.sellable = [line for line in lines if not line.is_package]
        self.by_no = {line.no: line for line in lines}
        # lines by (filter type, value): a campaign including only some values looks them up
        self.by_value: dict[tuple[str, str], list[WorkLine]] = {}
        by_value = self.by_value
        for line in self.sellable:
            for key in line.values.items():  # (filter type, value)
                found = by_value.get(key)
                if found is None:
                    by_value[key] = [line]  # (setdefault would build a list per call)
                else:
                    found.append(line)
        # the sellable lines by the set of campaigns that reduced them (none yet; kept up to
        # date as campaigns reduce lines), by line number, and every campaign that reduced one
        self.by_reducers: dict[frozenset[str], dict[int, WorkLine]] = (
            {UNREDUCED: {line.no: line for line in self.sellable}} if self.sellable else {})
        self.applied: set[str] = set()

    def takes_line(self, run: Run, line: WorkLine) -> bool:
        """Eligible now, apart from the line-level filter groups."""
        if line.is_package:
            return False
        validity = run.campaign.item_validity
        if validity == "reduced" and not line.reduced:
            return False
        if validity == "not_reduced" and line.reduced:
            return False
        return self.open_to(run, line.reducers)

    def open_to(self, run: Run, reducers: frozenset[str]) -> bool:
        """Every campaign in `reducers` (that reduced a line) combines with the run's."""
        if self.plain:
            combines, code = self.definitions.combines, run.campaign.code
            return all(combines(other, code) for other in reducers)
        return reducers <= run.combinable

    def reduce(self, campaign: CampaignDef, allocations: Iterable[tuple[int, int]]) -> None:
        """Take each (line no, amount) off its line for `campaign`; a line it reduces for the
        first time moves to the group its reducers now make."""
        code = campaign.code
        by_no, by_reducers = self.by_no, self.by_reducers
        joined: dict[frozenset[str], frozenset[str]] = {}  # reducers before → with `code`
        for line_no, amount in allocations:
            line = by_no[line_no]
            assert 0 < amount <= line.net, (code, amount, line.net)
            line.net -= amount
            line.reductions.append(Reduction(code, amount))
            before = line.reducers
            if code in before:
                continue
            after = joined.get(before)
            if after is None:
                after = joined[before] = before | {code}
            line.reducers = after
            if not line.is_package:
                group = by_reducers[before]
                del group[line_no]
                if not group:
                    del by_reducers[before]
                group = by_reducers.get(after)
                if group is None:
                    group = by_reducers[after] = {}
                group[line_no] = line

    def eligible(self, run: Run) -> list[WorkLine]:
        if run.unrestricted:
            return self.sellable
        campaign = run.campaign
        # most campaigns that reach a receipt find its lines closed by the combinations of
        # those that ran before them: that is judged first, per group of lines (by reducers)
        combinable = run.combinable
        if not self.plain and self.applied.isdisjoint(combinable):
            # no campaign that reduced a line combines with this one (the usual case once a
            # few have run): only the lines nothing reduced are open to it
            if UNREDUCED not in self.by_reducers:
                return []
            open_groups = {UNREDUCED}
        else:
            open_groups = ({reducers for reducers in self.by_reducers
                            if self.open_to(run, reducers)} if self.plain else
                           {reducers for reducers in self.by_reducers if reducers <= combinable})
            if not open_groups:
                return []
        groups = run.filters
        if groups.narrowest is None or self.plain:
            if open_groups == {UNREDUCED}:  # in line order: built so, lines only leave it
                candidates = list(self.by_reducers[UNREDUCED].values())
            else:
                candidates = sorted((line for reducers in open_groups
                                     for line in self.by_reducers[reducers].values()),
                                    key=LINE_NO)
        else:
            kind, codes = groups.narrowest
            candidates = [line for code in codes for line in self.by_value.get((kind, code), ())
                          if line.reducers in open_groups]
            if len(codes) > 1:
                candidates.sort(key=LINE_NO)
        validity = campaign.item_validity
        if validity != "all":
            wanted = validity == "reduced"
            candidates = [line for line in candidates if line.reduced == wanted]
        found = ([line for line in candidates if groups.line_passes(line.values)]
                 if groups.line_groups else candidates)
        if campaign.from_quantity or campaign.from_amount:
            units = sum(line.quantity for line in found)
            net = sum(line.net for line in found)
            if units < campaign.from_quantity or net < campaign.from_amount:
                return []
        return found

    def free_candidates(self, run: Run, rules: tuple[FreeLineDef, ...]) -> list[WorkLine]:
        """The sellable lines matching one of `rules` that `run` may take, in line order."""
        if not self.plain and all(rule.code is not None and rule.type in BLANK_VALUES
                                  for rule in rules):
            # a line matches a rule with a code exactly when it is filed under it
            found = {line.no: line for rule in rules
                     for line in self.by_value.get((rule.type, rule.code), ())}  # type: ignore
            lines = sorted(found.values(), key=LINE_NO) if len(rules) > 1 else found.values()
        else:
            lines = [line for line in self.sellable
                     if any(matches(rule, line.values) for rule in rules)]
        return [line for line in lines if self.takes_line(run, line)]

    def run_all(self, runs: Iterable[Run]) -> list[tuple[Run, str]]:
        """Apply the runs in order; the coupons' runs that granted nothing, with the reason."""
        refused = []
        by_reducers, applied, plain = self.by_reducers, self.applied, self.plain
        for run in runs:
            if (run.coupon is None and not plain and UNREDUCED not in by_reducers
                    and applied.isdisjoint(run.combinable)):
                # every line is reduced by a campaign this one does not combine with (most
                # runs on a long receipt, once a few campaigns ran): `eligible` finds nothing
                continue
            reason = self.run(run)
            if reason is not None and run.coupon is not None:
                refused.append((run, reason))
        return refused

    def run(self, run: Run) -> str | None:
        """Apply (or issue) one run; the rejection reason of a coupon that granted nothing."""
        campaign = run.campaign
        eligible = self.eligible(run)
        if not eligible:
            return CONDITIONS_NOT_MET
        context = strategies.Context(
            eligible, lambda rules: self.free_candidates(run, tuple(rules)))
        if run.coupon_value:
            grant = strategies.coupon(campaign, run.coupon, context)  # type: ignore[arg-type]
        else:
            grant = strategies.STRATEGIES[campaign.type](campaign, context)
        if grant.amount <= 0:
            return EXCEEDS_OPEN_AMOUNT if grant.exceeded else CONDITIONS_NOT_MET
        allocations = tuple(sorted(grant.allocations.items()))
        # a campaign with a coupon issue issues, however it was registered (decision 10);
        # only a coupon with its own value (an issued one, say) reduces
        issue = campaign.coupon_issue_active and not run.coupon_value
        self.entries.append(EntryResult(
            campaign=campaign.code, campaign_type=campaign.type, registration=run.registration,
            registration_code=run.coupon.code if run.coupon else None,
            discount_type=grant.discount_type, discount_value=grant.discount_value,
            reduce_amount=grant.amount, process="issue" if issue else "application",
            allocations=allocations))
        if issue:
            self.to_issue.append(CouponToIssue(
                campaign.code, grant.amount, _expiry(campaign.coupon_issue_expiration, self.at),
                campaign.coupon_issue_text, campaign.coupon_issue_image))
        else:
            # an unrestricted coupon's campaign restricts the line like any other: a later
            # campaign must combine with it (decision 9)
            self.reduce(campaign, allocations)
            self.applied.add(campaign.code)
        if run.coupon is not None:
            self.redeemed.append(run.coupon.code)
        return None


def _expiry(formula: str | None, at: dt.datetime) -> dt.date | None:
    """An issued coupon's expiry: a date, or a date formula evaluated on the receipt's date."""
    if not formula:
        return None
    try:
        return dt.date.fromisoformat(formula)
    except ValueError:
        return evaluate(formula, at.date())
