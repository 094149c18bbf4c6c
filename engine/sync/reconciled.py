"""The "restore pending" mark of a restored device (localstate.RESTORE_PENDING): when it may go.

`playdesk restore` sets it (engine.ops.restore_mark); while it is set no fact id is handed out.
The sync process clears it only once it knows, from every other device's presence heard since
the restore (`applied[<this device>]`), the highest own seq the site holds (H); holds its own
events 1…H again and has checked them against the site's (the reconcile of engine.sync.restore,
`verified`); and has moved every id counter past every id of this device in that journal. A
device that is never heard from keeps the mark: the owner may override it (`force_clear`,
`playdesk sync reconciled --force`), which is recorded.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from dataclasses import asdict, dataclass
from typing import Any

from engine import localstate
from engine.db import database, write
from engine.ids import device_id
from engine.models import Event
from engine.models.sync import SyncDevice
from engine.sync import devicelist
from engine.sync.restore import numbers_past

log = logging.getLogger("playdesk.sync")

_BUMP_COUNTER = ("INSERT INTO counter (name, value) VALUES (?, ?) "
                 "ON CONFLICT (name) DO UPDATE SET value = MAX(value, excluded.value)")


@dataclass(frozen=True)
class Progress:
    pending: bool
    mark: dict[str, Any] | None
    waiting_for: list[str]  # devices of the site not heard from since the restore
    site_holds: int  # the highest own seq the heard devices have applied (H)
    journal_seq: int
    missing: int  # own seqs 1…H not in this journal

    def ready(self, verified: bool) -> bool:
        return verified and not self.waiting_for and self.missing == 0 \
            and self.journal_seq >= self.site_holds

    def view(self) -> dict[str, Any]:
        return {**asdict(self), "restore_pending": self.pending, "may_sell": not self.pending}


def mark() -> dict[str, Any] | None:
    text = localstate.get(localstate.RESTORE_PENDING)
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return {"value": text}


def progress() -> Progress:
    device = device_id()
    required = {name for name, (role, _) in devicelist.members().items()
                if role != "owner" and name != device}
    heard: dict[str, int] = {}
    for row in SyncDevice.select().where(SyncDevice.last_seen.is_null(False)):
        try:
            seq = json.loads(row.applied or "{}").get(device, 0)
        except (ValueError, AttributeError):
            seq = 0
        heard[row.device] = seq if isinstance(seq, int) else 0
    high = max(heard.values(), default=0)
    journal = Event.select().where(Event.device == device).order_by(Event.seq.desc()).first()
    have = Event.select().where((Event.device == device) & (Event.seq >= 1)
                                & (Event.seq <= high)).count() if high else 0
    current = mark()
    return Progress(pending=current is not None, mark=current,
                    waiting_for=sorted(required - heard.keys()), site_holds=high,
                    journal_seq=journal.seq if journal else 0, missing=high - have)


def counters_past_own_ids(device: str) -> dict[str, int]:
    """Move every id counter past the highest id of this device its journal names (the raw
    payloads scanned by one expression: a journal of 100k events takes a fraction of a second);
    call inside write()."""
    pattern = re.compile(rf'"{re.escape(device)}-([A-Za-z]+)(\d+)(?=\\?")')
    found: dict[str, int] = {}
    for (payload,) in Event.select(Event.payload).where(Event.device == device).tuples():
        for prefix, number in pattern.findall(payload or ""):
            if int(number) > found.get(prefix, 0):
                found[prefix] = int(number)
    for prefix, number in found.items():
        database.execute_sql(_BUMP_COUNTER, ("id:" + prefix, number))
    numbers_past(device)
    return found


def clear_when_reconciled(verified: bool) -> bool:
    """Clear the mark if the site has told us all (see the module); True when cleared now."""
    if mark() is None:
        return False
    state = progress()
    if not state.ready(verified):
        return False
    device = device_id()
    with write():
        counters_past_own_ids(device)
        localstate.delete(localstate.RESTORE_PENDING)
    log.warning("sync: restored from a backup, now caught up with the site (own events up to "
                "seq %d, every device heard): new sales are allowed again", state.site_holds)
    return True


def mark_when_behind(site_holds: int) -> bool:
    """A restore that bypassed `playdesk restore` (a file copied by hand): the others hold own
    events beyond this journal. Stop handing out ids until it is reconciled."""
    device = device_id()
    journal = Event.select().where(Event.device == device).order_by(Event.seq.desc()).first()
    seq = journal.seq if journal else 0
    if site_holds <= seq or mark() is not None:
        return False
    value = {"at": dt.datetime.now().isoformat(timespec="seconds"),
             "from": f"detected by sync: the site holds own events up to {site_holds}, "
                     f"this journal ends at {seq}"}
    with write():
        localstate.put_json(localstate.RESTORE_PENDING, value)
    log.error("sync: %s; new sales are refused until it is reconciled", value["from"])
    return True


def force_clear(at: dt.datetime) -> dict[str, Any]:
    """The owner's override: clear the mark although sync has not confirmed everything (a device
    that is gone for good). Counters still move past every own id this journal holds; ids only
    an unheard device holds may be used again. Recorded in LocalState `restore.overridden`."""
    state = progress()
    if not state.pending:
        return {"restore_pending": False, "overridden": False}
    record = {"at": at.isoformat(timespec="seconds"), "mark": state.mark,
              "waiting_for": state.waiting_for, "site_holds": state.site_holds,
              "journal_seq": state.journal_seq, "missing": state.missing}
    with write():
        counters_past_own_ids(device_id())
        localstate.delete(localstate.RESTORE_PENDING)
        localstate.put_json(localstate.RESTORE_OVERRIDDEN, record)
    log.warning("restore pending mark cleared by the owner (--force): %s", json.dumps(record))
    return {"restore_pending": False, "overridden": True, **record}
