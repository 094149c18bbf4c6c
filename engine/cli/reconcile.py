"""CLI commands: `playdesk sync status` and `playdesk sync reconciled --force` (a restored
device's "restore pending" mark, engine.sync.reconciled)."""

from __future__ import annotations

from engine.cli.common import emit, now, open_db
from engine.errors import PlaydeskError


def register(actions) -> None:
    status = actions.add_parser(
        "status", help="whether this device may sell after a restore, and what sync waits for")
    status.set_defaults(handler=status_command)
    reconciled = actions.add_parser(
        "reconciled", help="the owner's override: allow selling after a restore although sync "
                           "has not heard from every device (--force)")
    reconciled.add_argument("--force", action="store_true",
                            help="required: ids that only an unheard device holds may be reused")
    reconciled.set_defaults(handler=reconciled_command)


def status_command(args) -> None:
    open_db(args)
    from engine.settings import sync_online
    from engine.sync import outbox, reconciled

    emit({**reconciled.progress().view(), "online": bool(sync_online()),
          "published_seq": outbox.published_seq()}, args)


def reconciled_command(args) -> None:
    open_db(args)
    from engine.sync import reconciled

    state = reconciled.progress()
    if not state.pending:
        emit({"restore_pending": False, "overridden": False}, args)
        return
    if not args.force:
        waiting = ", ".join(state.waiting_for) or "nobody"
        raise PlaydeskError(
            f"sync has not confirmed this restore yet (not heard from: {waiting}; own events "
            f"missing: {state.missing}); wait for playdesk-sync, or give --force if the "
            "devices not heard from are gone for good (ids only they hold may be reused)")
    emit(reconciled.force_clear(now(args)), args)
