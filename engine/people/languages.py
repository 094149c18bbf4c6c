"""Who speaks which language (issue 20): a staff member's, from the site file, and a member's,
chosen on a kiosk's language button and remembered as a fact (MemberLanguage) on every device.

Neither changes a definition: the member's choice is an insert-only row journaled as
`member.language`, so it never overwrites a PIN reset made meanwhile elsewhere. The latest
choice (by time, then id) is the member's language.
"""

from __future__ import annotations

import datetime as dt

from peewee import fn

from engine import db, journal
from engine.errors import N_, NotFound, PlaydeskError
from engine.i18n.catalogs import LANGUAGES
from engine.ids import device_id, next_id
from engine.models import Member, Staff
from engine.models.member_facts import MemberLanguage


def staff_language(code: str | None) -> str | None:
    """The language a staff member's login switches the counter to (None: the site's)."""
    if not code:
        return None
    row = Staff.get_or_none(Staff.code == code)
    return row.language if row is not None else None


def member_language(code: str | None) -> str | None:
    """The language the member last chose on a kiosk (None: never chose)."""
    if not code:
        return None
    # latest by time; in the same second the later id of a device ("K1-ML10" after "K1-ML9"):
    # the same order on every device, whatever order the rows arrived in
    row = (MemberLanguage.select(MemberLanguage.language).where(MemberLanguage.member == code)
           .order_by(MemberLanguage.at.desc(), fn.LENGTH(MemberLanguage.id).desc(),
                     MemberLanguage.id.desc()).first())
    return row.language if row is not None else None


def remember_member_language(code: str, language: str, at: dt.datetime) -> bool:
    """Remember the member's choice (one transaction: the row and its event); False when it is
    their language already, so a tap on the same language writes nothing."""
    if language not in LANGUAGES:
        raise PlaydeskError(N_("no words for language {language}"), language=language)
    with db.write():
        if Member.get_or_none((Member.code == code) & (Member.deleted == False)) is None:  # noqa: E712
            raise NotFound(N_("unknown member {member}"), member=code)
        if member_language(code) == language:
            return False
        row = MemberLanguage.create(id=next_id("ML"), member=code, language=language, at=at,
                                    device=device_id())
        journal.append_rows("member.language", row)
        return True
