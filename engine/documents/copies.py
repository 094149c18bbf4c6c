"""A reprint is marked on paper: the same document (built again from the recorded facts, so it
says what the first print said) with "COPY" and when it was reprinted under the site's name, so
a second slip for one sale is never taken for a second sale (a refund claimed twice, a ticket
handed over twice). The mark is a header line, so every document kind carries it the same way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from engine import journal
from engine.db import write
from engine.documents.types import COPY_MARK, REPRINTED
from engine.errors import PlaydeskError
from engine.ids import device_id, next_id
from engine.models import Campaign, Member, Package, Purchase
from engine.models.reprints import Reprint
from engine.people.staff import require_role


def as_copy(document: Any, at: dt.datetime) -> Any:
    """The document marked as a reprint made at `at` (a copy of a copy is marked once)."""
    header = document.header
    lines = tuple(line for line in header.lines
                  if line != COPY_MARK and not line.startswith(REPRINTED))
    marked = replace(header, lines=(COPY_MARK, f"{REPRINTED}{at:%d.%m.%Y %H:%M}", *lines))
    return replace(document, header=marked)


def is_copy(document: Any) -> bool:
    return COPY_MARK in document.header.lines


def record_reprint(kind: str, document: str, staff: str | None, at: dt.datetime) -> Reprint:
    """Record that the document `kind` `document` was printed again, by `staff` (a cashier or
    above; None only from the CLI when no one is named): an insert-only `Reprint` fact, journaled
    as `till.reprint` in the same transaction, so it syncs like the till's other facts."""
    if not isinstance(kind, str) or not kind.strip():
        raise PlaydeskError("a reprint names the kind of document")
    if not isinstance(document, str) or not document.strip():
        raise PlaydeskError("a reprint names the document")
    if staff is not None:
        require_role(staff, "cashier", "reprinting")
    with write():
        row = Reprint.create(id=next_id("RP"), kind=kind, document=document, staff=staff, at=at,
                             device=device_id())
        journal.append_rows("till.reprint", row)
    return row


def reprint_copy(document: Any, at: dt.datetime, staff: str | None) -> tuple[Any, Reprint]:
    """The copy to print of `document` (marked COPY) and the `Reprint` recorded for it."""
    return as_copy(document, at), record_reprint(document.kind, document.reference, staff, at)


def reprints_of(document: str) -> list[Reprint]:
    """The reprints recorded of one document (on any device), oldest first."""
    return list(Reprint.select().where(Reprint.document == document)
                .order_by(Reprint.at, Reprint.id))


RECENT_PURCHASES = 30


def recent_purchases(limit: int = RECENT_PURCHASES) -> list[dict[str, Any]]:
    """The newest package purchases of the site, kiosk ones included (what a counter may reprint
    the slip of, e.g. when the kiosk's printer was out of paper): newest first, with the member's
    and the package's names."""
    if limit < 1:
        raise PlaydeskError("the limit is at least 1")
    rows = list(Purchase.select().order_by(Purchase.at.desc(), Purchase.id.desc()).limit(limit))
    members = {m.code: m.name for m in Member.select(Member.code, Member.name)
               .where(Member.code.in_({r.member for r in rows}))} if rows else {}
    packages = {f"{campaign}/{code}": name for campaign, code, name in
                Package.select(Campaign.code, Package.code, Package.name).join(Campaign)
                .where(Campaign.code.in_({r.campaign for r in rows})).tuples()} if rows else {}
    copies: dict[str, int] = {}
    for reprint in Reprint.select(Reprint.document).where(
            (Reprint.kind == "purchase") & Reprint.document.in_([r.id for r in rows])):
        copies[reprint.document] = copies.get(reprint.document, 0) + 1
    return [{"purchase": r.id, "at": r.at, "member": r.member,
             "member_name": members.get(r.member) or r.member,
             "package": f"{r.campaign}/{r.package}",
             "package_name": packages.get(f"{r.campaign}/{r.package}") or r.package,
             "price": r.price, "payment": r.payment, "channel": r.channel, "device": r.device,
             "reprints": copies.get(r.id, 0)} for r in rows]
