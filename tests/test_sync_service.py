"""The sync loop's applying (engine.sync.client.SyncService) without a broker: events arrive
through its inbox as paho queues them, `step(0)` is one turn. A database kept busy past its
timeout postpones events and drops none; an event whose effect fails is dropped alone, the
origin's later events wait behind it instead of having to travel again."""

from __future__ import annotations

import json

import pytest
from peewee import OperationalError
from sync_helpers import SITE, provision, using
from test_sync_replication import _signed_messages, add_lots

from engine.sync import client as sync_client
from engine.sync.config import SyncConfig


def arrive(service, events: list[dict]) -> None:
    """A journal message from C1, as paho's thread queues it."""
    service.inbox.put(("message", f"playdesk/{SITE}/journal/C1", json.dumps(events).encode(),
                       None))


@pytest.fixture
def service(tmp_path):
    """C2's sync service (never connected) with C1's three signed lot events in its inbox;
    `service.sent_by_c1` holds them."""
    from engine.sync.keys import key_path, load_or_create

    origin, receiver = provision(tmp_path, {"C1": "counter", "C2": "counter"})
    add_lots(origin, 3)
    messages = _signed_messages(origin)
    with using(receiver.db):
        running = sync_client.SyncService(SyncConfig("127.0.0.1", 1, SITE),
                                          load_or_create(key_path(receiver.db)))
        running.sent_by_c1 = messages
        arrive(running, messages)
        yield running


def dropped() -> dict[str, tuple[int, str]]:
    """The drop counters as stored (each turn stores them)."""
    from engine.models.sync import SyncDrop

    return {d.reason: (d.count, d.last_detail) for d in SyncDrop.select()}


def failing_apply(monkeypatch, error: Exception, times: int, when=lambda batch: True) -> None:
    """apply_batch raises `error` the first `times` calls whose batch matches `when`."""
    real, left = sync_client.apply_batch, [times]

    def apply(batch, on_unknown=None):
        if left[0] and when(batch):
            left[0] -= 1
            raise error
        return real(batch, on_unknown=on_unknown)

    monkeypatch.setattr(sync_client, "apply_batch", apply)


def test_a_busy_database_postpones_applying_and_drops_nothing(service, monkeypatch):
    failing_apply(monkeypatch, OperationalError("database is locked"), times=2)
    service.step(0)
    assert service.applied.get("C1", 0) == 0
    assert sorted(service.origins["C1"].pending) == [1, 2, 3]  # kept for the next turn
    service.step(0)
    assert sorted(service.origins["C1"].pending) == [1, 2, 3]
    service.step(0)
    assert service.applied["C1"] == 3 and service.origins["C1"].pending == {}
    assert dict(service.drops) == {} and dropped() == {}


def test_a_failing_effect_drops_that_event_alone(service, monkeypatch):
    failing_apply(monkeypatch, ValueError("no such thing"), times=2,
                  when=lambda batch: any(event["seq"] == 2 for event in batch))
    service.step(0)  # the batch fails, then event by event: 1 applied, 2 dropped, 3 waits
    assert service.applied["C1"] == 1
    assert sorted(service.origins["C1"].pending) == [3]
    assert dropped() == {"apply_failed": (1, "C1 seq 2: no such thing")}
    arrive(service, service.sent_by_c1[1:2])  # seq 2 again, as a resend brings it
    service.step(0)
    assert service.applied["C1"] == 3 and service.origins["C1"].pending == {}
