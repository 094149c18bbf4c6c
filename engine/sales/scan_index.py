"""The site's scannable codes in memory, so a scan at the counter asks the database nothing but
whether anything changed (and, for a coupon, the coupon itself).

`current()` is the snapshot for the database as it is now: item barcodes, items and resources
by code, members by code and by card, live campaigns, the barcode rules (longest prefix first).
It is rebuilt, in a few whole-table queries, when the database changed since it was built.

Coupons are not in it: they are issued at every checkout and redeemed by every device, so
`engine.coupons.lookup.find_coupon` reads one (its code, status, redemptions) when a scan may
be one; kiosk order tickets are read when scanned, for the same reason.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from engine.codes.rules import barcode_rules
from engine.db import database
from engine.i18n.names import local_name
from engine.models import BarcodeRule, Campaign, Item, ItemBarcode, Member, Resource
from engine.settings import site_language


@dataclass(frozen=True)
class Named:
    """An item or resource: its code and the name a receipt line shows."""

    code: str
    name: str


@dataclass(frozen=True)
class MemberEntry:
    code: str
    name: str
    active: bool


@dataclass(frozen=True)
class CampaignEntry:
    code: str
    name: str
    type: str


@dataclass(frozen=True)
class ScanIndex:
    """What a scanned or typed code may name; deleted records are left out, as every lookup at
    the counter leaves them out."""

    barcodes: dict[str, Named]  # item barcode → its (not deleted) item
    items: dict[str, Named]
    resources: dict[str, Named]
    members: dict[str, MemberEntry]
    cards: dict[str, MemberEntry]  # card number → member
    campaigns: dict[str, CampaignEntry]
    rules: list[BarcodeRule]  # as engine.codes.rules.barcode_rules orders them

    def member_for_rule(self, scanned: str, inner: str) -> MemberEntry | None:
        """The member a member barcode names (engine.people.members.member_for_rule): the whole
        barcode or the code inside it as a card number, or the code inside as a member code."""
        return self.cards.get(scanned) or self.cards.get(inner) or self.members.get(inner)

    def member_by_code(self, text: str) -> MemberEntry | None:
        """As typed, then upper-cased (engine.people.members.member_by_code)."""
        return self.members.get(text) or self.members.get(text.upper())


def build() -> ScanIndex:
    """The snapshot, read now (seven queries). Names are the site language's (`names` where the
    owner gave one): what a receipt records and prints, whoever is at the till."""
    language = site_language()
    items = {code: Named(code, local_name(name, names, language)) for code, name, names in
             Item.select(Item.code, Item.name, Item.names).where(~Item.deleted).tuples()}
    barcodes = {barcode: items[code] for barcode, code in
                ItemBarcode.select(ItemBarcode.barcode, Item.code).join(Item)
                .where(~Item.deleted).tuples()}
    members: dict[str, MemberEntry] = {}
    cards: dict[str, MemberEntry] = {}
    for code, name, card, active in (Member.select(Member.code, Member.name, Member.card,
                                                   Member.active)
                                     .where(~Member.deleted).tuples()):
        members[code] = entry = MemberEntry(code, name, bool(active))
        if card is not None:
            cards[card] = entry
    return ScanIndex(
        barcodes=barcodes, items=items,
        resources={code: Named(code, local_name(name, names, language))
                   for code, name, names in Resource.select(Resource.code, Resource.name,
                                                            Resource.names)
                   .where(~Resource.deleted).tuples()},
        members=members, cards=cards,
        campaigns={code: CampaignEntry(code, local_name(name, names, language), kind)
                   for code, name, names, kind in
                   Campaign.select(Campaign.code, Campaign.name, Campaign.names, Campaign.type)
                   .where(~Campaign.deleted).tuples()},
        rules=barcode_rules())


def database_stamp(connection: sqlite3.Connection) -> tuple[int, int]:
    """What tells whether the database changed since the last look, in one PRAGMA.

    - `PRAGMA data_version` moves when ANOTHER connection committed (the sync process applying
      a site, a `playdesk` command, another thread's connection), never for this one's writes;
    - `total_changes` (no query: a counter in the connection) moves with every row this
      connection wrote: a manager's edit on the counter, a site loaded in this process. It
      misses no change of a definition (a cascade's or a trigger's rows come with the statement
      that caused them, which is counted). It also moves for writes that change no code (a
      checkout): the next scan rebuilds then, the price of never missing one. engine.sitefile's
      definitions generation would not do: only a site load bumps it, not an edit, and reading
      it is a query. The pricing definitions' cache (engine.pricing.definitions) keys on the
      same two counters.
    """
    version = connection.execute("PRAGMA data_version").fetchone()[0]
    return version, connection.total_changes


_cache: dict[str, object] = {}


def current() -> ScanIndex:
    """The snapshot for the database as it is now (rebuilt when it changed)."""
    connection = database.connection()
    stamp = database_stamp(connection)
    index = _cache.get("index")
    # the connection object itself, not its id: a fresh connection (another file, a reopened
    # one) may reuse a closed one's id, and its counters start again from the same values
    if index is not None and _cache.get("connection") is connection and _cache.get("stamp") == stamp:
        return index  # type: ignore[return-value]
    index = build()
    # one built inside a transaction may hold rows a rollback takes back without moving either
    # counter: it serves this call only
    if not connection.in_transaction:
        _cache.update(index=index, connection=connection, stamp=stamp)
    return index


def forget() -> None:
    """Drop the snapshot (the next scan reads the database again)."""
    _cache.clear()
