"""What the sync process must not hide or take for done: events held because their origin's
clock is far ahead are listed by `playdesk conflicts`; a message the broker refuses (PUBACK
reason code >= 0x80) is not published and goes out again. Real Mosquitto, real playdesk-sync."""

from __future__ import annotations

from sync_helpers import Broker, provision, stop_all, wait_until
from test_sync_convergence import playdesk
from test_sync_replication import add_lots, broker  # noqa: F401 - the fixture
from test_sync_transport import YEAR_MS, set_clock

from engine import hlc
from engine.sync import outbox


def published(device) -> int:
    rows = device.sql("SELECT value FROM local_state WHERE key = 'sync.published_seq'")
    return int(rows[0][0]) if rows else 0


def test_events_held_from_the_future_are_listed_by_conflicts(tmp_path, broker):  # noqa: F811
    c1, c2 = devices = provision(tmp_path, {"C1": "counter", "C2": "counter"})
    set_clock(c1, hlc.Timestamp(hlc.wall_ms() + 3 * YEAR_MS, 0))
    try:
        add_lots(c1, 2)
        for device in devices:
            device.start_sync(broker)
        wait_until(lambda: c2.sql("SELECT 1 FROM local_state WHERE key = 'sync.held' "
                                  "AND value LIKE '%C1%'"), 20, "C2 to hold C1's events")
        report = playdesk(c2, "conflicts")
        assert [(h["device"], h["seq"], h["events"]) for h in report["held"]] == [("C1", 1, 2)]
        assert report["held"][0]["ahead_seconds"] > 2 * 365 * 24 * 3600
        assert playdesk(c1, "conflicts")["held"] == []
        assert c2.applied("C1") == 0
    finally:
        stop_all(devices)


def test_the_outbox_counts_only_acknowledged_messages_as_published():
    unacked, acked = {11: 5, 12: 9, 13: 12}, set()
    assert outbox.settle_ack(unacked, acked, 0, 12) == (0, False)  # out of order: waits
    assert outbox.settle_ack(unacked, acked, 0, 11) == (9, False)
    assert outbox.settle_ack(unacked, acked, 9, 99) == (9, False)  # not ours (presence)
    assert outbox.settle_ack(unacked, acked, 9, 13, 0x87) == (9, True)  # not authorized
    assert unacked == {} and acked == set()
    unacked = {21: 3, 22: 6}
    assert outbox.settle_ack(unacked, acked, 0, 21, 0x97) == (0, True)  # quota exceeded
    assert outbox.settle_ack(unacked, acked, 0, 22) == (0, False)  # forgotten: sent again


def test_a_message_the_broker_refuses_stays_unpublished_and_goes_out_again(tmp_path):
    """C2 logs in as X2, whom the ACL does not let write journal/C2 (PUBACK 0x87): its events
    are not taken for published; once the ACL allows it (reloaded, no reconnect) they go out."""
    guarded = Broker(tmp_path / "broker", passwords={"C1": "c1-secret", "X2": "x2-secret"}
                    ).start()
    c1, c2 = devices = provision(tmp_path, {"C1": "counter", "C2": "counter"})
    try:
        add_lots(c2, 3)
        c1.start_sync(guarded, password="c1-secret")
        c2.start_sync(guarded, password="x2-secret", username="X2")
        wait_until(lambda: published(c2) == 3 or c2.drops().get("publish_refused"), 20,
                   "C2's events to be acknowledged or refused")
        assert published(c2) == 0
        assert c1.applied("C2") == 0
        guarded.extra_acl = "\nuser X2\ntopic write playdesk/DEMO/journal/C2\n"
        guarded.reload()
        wait_until(lambda: c1.applied("C2") == 3 and published(c2) == 3, 20,
                   "C2's events published after all")
        assert c1.sql("SELECT COUNT(*) FROM lot WHERE origin = 'C2'") == [(3,)]
        assert "refused own events after seq 0" in c2.log()
    finally:
        stop_all(devices)
        guarded.kill()
