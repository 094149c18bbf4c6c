"""A walk-in guest's ticket (issue 18 item 3): code + PIN printed, minutes sold on it, used at
the kiosk (code + PIN, or the slip's barcode) and at a station like a member; bad input refused
with nothing written; the CLI; the slip's bytes and preview; the ticket reaching a kiosk by sync
(and forged ticket/unlock facts refused there)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from conftest import DATA
from sync_helpers import provision, using
from test_sessions_sync import journal_of
from test_sync_fact_checks import apply_on, conflicts_of, forged, with_site

from engine.cli import main
from engine.errors import NotFound, PlaydeskError
from engine.models import Event, Lot, Member, Purchase
from engine.models.member_facts import GuestTicket
from engine.people.logins import login_by_card, login_by_pin
from engine.sitefile import load_site_file

AT = dt.datetime(2026, 7, 3, 12, 0)
PEOPLE = DATA.parent.parent / "demo" / "people.yaml"


@pytest.fixture
def site(demo_site):
    load_site_file(PEOPLE, at=AT)
    return demo_site


def counts() -> tuple[int, ...]:
    return (Member.select().count(), GuestTicket.select().count(), Purchase.select().count(),
            Lot.select().count(), Event.select().count())


def test_a_ticket_sold_with_minutes_logs_in_at_the_kiosk_and_a_station(site):
    from engine.entitlements.guest_tickets import is_ticket, sell_ticket
    from engine.sessions import facts
    from engine.stations.requests import handle

    before = Event.select().count()
    ticket = sell_ticket("SUMMER/BASIC", "cash", AT, "S01", location="COUNTER1")
    assert ticket.code.startswith("T") and len(ticket.code) == 9 and ticket.code[1:].isdigit()
    assert len(ticket.pin) == 6 and ticket.pin.isdigit()
    member = Member.get(Member.code == ticket.code)
    assert member.card == ticket.code and member.pin_hash and ticket.pin not in member.pin_hash
    assert is_ticket(ticket.code) and not is_ticket("M001")
    sale = ticket.purchase
    assert (sale.member, sale.price, sale.payment, sale.staff) == (ticket.code, 500, "cash", "S01")
    assert [(lot.kind, lot.total) for lot in Lot.select().where(Lot.member == ticket.code)] == [
        ("minutes", 60)]
    types = [e.type for e in Event.select().where(Event.id > 0).order_by(Event.id)][before:]
    assert types == ["definitions", "ticket.issue", "purchase"]
    # the kiosk: code + PIN, or the slip's barcode (its card number is the code)
    assert login_by_pin(ticket.code, ticket.pin, AT, location="KIOSK1").member == ticket.code
    assert login_by_pin(ticket.code.lower(), ticket.pin, AT).member == ticket.code
    assert login_by_card(ticket.code, AT).member == ticket.code
    # a station, as a member logs in there
    answer = handle("PC01", {"id": "r1", "action": "login", "member": ticket.code,
                             "pin": ticket.pin}, AT)
    assert answer.reason is None and answer.started
    assert facts.session(answer.started).member == ticket.code


def test_a_ticket_issued_alone_gets_its_minutes_by_an_ordinary_purchase(site):
    from engine.entitlements.guest_tickets import issue_ticket
    from engine.entitlements.purchase import purchase

    ticket = issue_ticket(AT, "S01", pin="2468")
    assert ticket.purchase is None and ticket.pin == "2468"
    purchase(ticket.code, "SUMMER/STD", "card", "counter", AT, staff="S01")
    assert sum(lot.total for lot in Lot.select().where(Lot.member == ticket.code)) == 150


@pytest.mark.parametrize("args, kwargs, error, words", [
    (("SUMMER/BASIC", "wallet", AT, "S01"), {}, PlaydeskError, "paid by cash or card"),
    (("SUMMER/PREMIUM", "cash", AT, "S01"), {}, PlaydeskError, "not of minutes"),
    (("SUMMER/NOPE", "cash", AT, "S01"), {}, NotFound, "unknown package"),
    (("SUMMER/BASIC", "cash", AT, None), {}, PlaydeskError, "needs a cashier"),
    (("SUMMER/BASIC", "cash", AT, "S99"), {}, NotFound, "unknown staff"),
    (("SUMMER/BASIC", "cash", AT, "S01"), {"pin": "12"}, PlaydeskError, "4 to 8 digits"),
    (("SUMMER/BASIC", "cash", AT, "S01"), {"location": "NOWHERE"}, PlaydeskError, "location"),
    (("WEEKEND/CONSOLE3H", "cash", AT, "S01"), {}, PlaydeskError, "not sellable"),  # a Friday
])
def test_bad_ticket_sales_write_nothing(site, args, kwargs, error, words):
    from engine.entitlements.guest_tickets import sell_ticket

    before = counts()
    with pytest.raises(error, match=words):
        sell_ticket(*args, **kwargs)
    assert counts() == before


def test_the_ticket_slip_prints_code_pin_and_a_code128_that_scans(site, tmp_path):
    from engine.documents.guest_ticket import guest_ticket_slip
    from engine.entitlements.guest_tickets import sell_ticket
    from hardware.printing.preview import save_preview
    from hardware.printing.profile import paper
    from hardware.printing.render_escpos import render_document
    from hardware.scanners.camera import decode_image

    ticket = sell_ticket("SUMMER/BASIC", "cash", AT, "S01", pin="975310")
    slip = guest_ticket_slip(ticket)
    assert (slip.code, slip.pin, slip.minutes, slip.price) == (ticket.code, "975310", 60, 500)
    data = render_document(slip, paper(80))
    payload = b"{B" + ticket.code.encode()
    assert b"\x1dkI" + bytes([len(payload)]) + payload in data
    assert b"GUEST TICKET" in data and b"975310" in data and b"60 min" in data
    path = save_preview(slip, paper(58), tmp_path / "ticket.png")
    assert [d.text for d in decode_image(str(path), ["CODE128"])] == [ticket.code]


def test_cli_ticket_sell_and_issue(site, db_path, capsys):
    def run(*argv):
        code = main(["--db", str(db_path), "--at", "2026-07-03T12:00", *argv])
        out, err = capsys.readouterr()
        return code, (json.loads(out) if out.strip() else None), err

    code, answer, _ = run("ticket", "sell", "--package", "SUMMER/BASIC", "--payment", "card",
                          "--staff", "S01")
    assert code == 0 and answer["minutes"] == 60 and answer["price"] == 500
    assert answer["slip"]["kind"] == "guest_ticket" and answer["slip"]["pin"] == answer["pin"]
    code, answer, _ = run("ticket", "issue", "--staff", "S02", "--pin", "1357")
    assert code == 0 and answer["pin"] == "1357" and "purchase" not in answer
    before = counts()
    code, answer, err = run("ticket", "sell", "--package", "SUMMER/PREMIUM", "--payment", "cash",
                            "--staff", "S01")
    assert (code, answer) == (2, None) and "not of minutes" in err and counts() == before


# -- sync -----------------------------------------------------------------------------------


@pytest.fixture
def devices(tmp_path):
    devices = provision(tmp_path, {"C1": "counter", "K1": "kiosk"})
    for device in devices:
        with_site(device)  # the demo site and MGR, a manager
    return devices


def test_a_ticket_sold_on_a_counter_logs_in_on_the_kiosk(devices):
    from engine.entitlements.guest_tickets import sell_ticket

    c1, k1 = devices
    with using(c1.db):
        ticket = sell_ticket("SUMMER/BASIC", "cash", AT, "MGR")
    assert apply_on(k1, journal_of(c1)).rejected == []
    with using(k1.db):
        assert login_by_pin(ticket.code, ticket.pin, AT, location="K1").member == ticket.code
        assert GuestTicket.get(GuestTicket.member == ticket.code).staff == "MGR"
    assert k1.sql("SELECT SUM(total) FROM lot WHERE member = ?", ticket.code) == [(60,)]


def test_forged_ticket_and_unlock_facts_are_refused(tmp_path):
    c1, _c2, _k1 = provision(tmp_path, {"C1": "counter", "C2": "counter", "K1": "kiosk"})
    with_site(c1)
    with using(c1.db):
        from engine.db import write
        from engine.models import Staff

        with write():
            Staff.create(code="CSH", name="Carl", role="cashier")
    ticket = {"id": "K1-GT1", "member": "M001", "staff": "MGR", "at": AT.isoformat(),
              "device": "K1"}
    unlock = {"id": "C2-PU1", "member": "M001", "kind": "unlock", "staff": "MGR",
              "at": AT.isoformat(), "device": "C2"}
    events = [forged(1, "ticket.issue", {"guest_ticket": [ticket]}),  # a kiosk sells no ticket
              forged(2, "purchase", {"guest_ticket": [{**ticket, "id": "K1-GT2"}]}),
              forged(1, "member.pin_unlock", {"pin_unlock": [{**unlock, "staff": "CSH"}]}, "C2"),
              forged(2, "member.pin_unlock", {"pin_unlock": [{**unlock, "id": "C2-PU2",
                                                                "member": "NOPE"}]}, "C2"),
              forged(3, "member.pin_unlock", {"pin_unlock": [{**unlock, "id": "C2-PU3",
                                                                "kind": "open"}]}, "C2"),
              forged(4, "ticket.issue", {"guest_ticket": [{**ticket, "id": "C2-GT1",
                                                            "device": "C2",
                                                            "member": "NOPE"}]}, "C2"),
              forged(5, "member.pin_unlock", {"pin_unlock": [unlock]}, "C2")]  # a true one
    result = apply_on(c1, events)
    assert [row[1:] for row in conflicts_of(c1)] == [
        ("C2", 1, "not_a_manager"), ("C2", 2, "unknown_member"), ("C2", 3, "bad_kind"),
        ("C2", 4, "unknown_member"), ("K1", 1, "forbidden_type"), ("K1", 2, "forbidden_rows")]
    assert len(result.rejected) == 6
    assert c1.sql("SELECT COUNT(*) FROM guest_ticket") == [(0,)]
    assert c1.sql("SELECT id FROM pin_unlock") == [("C2-PU1",)]
