"""A receipt line is refunded once per site (issue 14): receipt_refund_line names its refund's
receipt, UNIQUE (receipt, line_no), a collision key of sync (engine/sync/collisions.py).

Existing rows get their refund's receipt. Should a line already be refunded twice here (two
counters offline under an older release), only the earliest refund by its event's `(hlc,
device)` gets the receipt — the rule sync applies — and the later ones keep NULL, so the index
can be made; they are not taken out here."""

from peewee import TextField


def _order(db, refund: str, device: str) -> tuple[str, str, str]:
    """How sync orders the refund's fact: its event's (hlc, device); refunds without an event
    (written by hand) after those with one."""
    needle = f'"id":"{refund}"'
    row = db.execute_sql("SELECT hlc FROM event WHERE device = ? AND type = 'sale.refund' "
                         "AND instr(payload, ?) > 0 ORDER BY seq LIMIT 1",
                         (device, needle)).fetchone()
    return (row[0] if row else "~", device, refund)


def up(migrator, db):
    migrator.migrate(migrator.add_column("receipt_refund_line", "receipt",
                                         TextField(null=True)))
    lines = db.execute_sql(
        "SELECT l.id, r.receipt, l.line_no, r.id, r.device FROM receipt_refund_line l "
        "JOIN receipt_refund r ON r.id = l.refund_id").fetchall()
    first: dict[tuple[str, int], tuple[tuple[str, str, str], int]] = {}
    for line_id, receipt, line_no, refund, device in lines:
        order = _order(db, refund, device)
        held = first.get((receipt, line_no))
        if held is None or order < held[0]:
            first[(receipt, line_no)] = (order, line_id)
    for (receipt, _), (_, line_id) in first.items():
        db.execute_sql("UPDATE receipt_refund_line SET receipt = ? WHERE id = ?",
                       (receipt, line_id))
    migrator.migrate(migrator.add_index("receipt_refund_line", ("receipt", "line_no"), True))
