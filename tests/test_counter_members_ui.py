"""The counter's Members screen (issue 18 item 3) and the per-staff login (item 4), the real app
under Xvfb driven by taps and scans: register a member (the card scanned), the member's PIN on
the keypad, print the card slip, a manager's unlock, reset, deactivation, a guest ticket sold and
printed; refusals said on screen with nothing written; screenshots at 1024x600, 1280x800 and
1920x1080 in tests/artifacts/<test>/ with no layout problems.

The member's name is set on the field directly (as the refund reason is in test_counter_ui):
the on-screen keyboard for text fields is another part of issue 18 (uikit/keyboard.py).
"""

from __future__ import annotations

import datetime as dt

import pytest
import ui_harness
from ui_harness import display_fixture  # noqa: F401  (the fixture `display`)

from engine.clock import FixedClock
from engine.models import Event, Lot, Member, Staff
from engine.models.member_facts import GuestTicket, PinUnlock
from engine.people.logins import login_by_pin
from engine.people.pins import hash_pin

AT = dt.datetime(2026, 7, 3, 17, 0)
SIZES = [(1024, 600), (1280, 800), (1920, 1080)]

pytestmark = pytest.mark.ui


@pytest.fixture(scope="module")
def counter_db(tmp_path_factory):
    database = ui_harness.demo_database(tmp_path_factory, "counter", AT)
    path = next(database)
    Staff.create(code="S01", name="Sam", role="cashier", pin_hash=hash_pin("1111"))
    Staff.create(code="S02", name="Maria", role="manager", pin_hash=hash_pin("2222"))
    Member.update(pin_hash=hash_pin("1234")).where(Member.code == "M001").execute()
    yield path
    next(database, None)


@pytest.fixture(scope="module")
def counter(display, counter_db, tmp_path_factory):
    def make_app(printer):
        from counter.app import CounterApp

        return CounterApp(FixedClock(AT), location="COUNTER1", printer=printer)

    yield from ui_harness.drive_app(make_app, "1280x800", tmp_path_factory)


def scan(ui, text: str) -> None:
    ui_harness.scan(ui, text, lambda: (ui.app.screens.current, ui.app.screen.message.text,
                                       getattr(ui.app.screen, "card", None)))


def type_keys(ui, keys: str) -> None:
    for key in keys:
        ui.tap(ui.button(key))


def login(ui, name: str | None, pin: str) -> None:
    if name:
        ui.tap(ui.button(name))
    type_keys(ui, pin)
    ui.tap(ui.button("Log in"))


def to_members(ui) -> None:
    login(ui, "Maria", "2222")
    if ui.app.screens.current == "shift_open":
        type_keys(ui, "0")
        ui.tap(ui.button("Open shift"))
    ui.tap(ui.button("Manager"))
    ui.tap(ui.button("Members"))
    assert ui.app.screens.current == "members"


def counts() -> tuple[int, ...]:
    return Member.select().count(), Event.select().count(), GuestTicket.select().count()


def check_layout(ui, name: str) -> None:
    for width, height in SIZES:
        ui.resize(width, height)
        assert ui.layout_problems() == [], (name, width, ui.layout_problems())
        ui.shot(f"{name}-{width}x{height}")
    ui.resize(1280, 800)


def test_register_a_member_set_the_pin_and_print_the_card(counter, request):
    ui = counter.begin(request.node.name, AT, size=(1280, 800))
    to_members(ui)
    check_layout(ui, "members")
    ui.tap(ui.button("New member"))
    screen = ui.app.screen
    before = counts()
    ui.tap(ui.button("Register"))  # no name, no card: refused, nothing written
    assert screen.message.text == "Refused: a member needs a name"
    screen.name_field.text = "Bob Builder"
    ui.tap(ui.button("Register"))
    assert screen.message.text == "Refused: scan the member's card first"
    scan(ui, "MEM0001")  # a card already given out
    ui.tap(ui.button("Register"))
    assert screen.message.text == "Refused: card MEM0001 is already the card of member M001 (Ada)"
    assert counts() == before
    scan(ui, "CARD-NEW-1")
    assert "Card: CARD-NEW-1" in ui.texts()
    check_layout(ui, "register")
    ui.tap(ui.button("Register"))
    member = Member.get(Member.card == "CARD-NEW-1")
    assert member.name == "Bob Builder" and screen.step == "member"
    assert screen.message.text == f"Bob Builder is member {member.code}. Let the member set a PIN."
    assert counts() == (before[0] + 1, before[1] + 1, before[2])  # one definitions event
    check_layout(ui, "member")

    ui.tap(ui.button("Set PIN"))
    assert "Member: type your new PIN (4 to 8 digits)" in ui.texts()
    check_layout(ui, "pin")
    type_keys(ui, "4321")
    ui.tap(ui.button("OK"))
    type_keys(ui, "4312")  # not the same: refused, typed again from the start
    ui.tap(ui.button("OK"))
    assert screen.message.text == "Refused: the two PINs differ; type the new PIN twice"
    type_keys(ui, "4321")
    ui.tap(ui.button("OK"))
    type_keys(ui, "4321")
    ui.tap(ui.button("OK"))
    assert screen.message.text == "The PIN is saved." and screen.step == "member"
    assert login_by_pin(member.code, "4321", AT).member == member.code

    ui.tap(ui.button("Print card"))
    assert screen.message.text == "The member card is printing."
    slip = (ui.prints / f"member_card-{member.code}.bin").read_bytes()
    payload = b"{BCARD-NEW-1"
    assert b"\x1dkI" + bytes([len(payload)]) + payload in slip
    assert (ui.prints / f"member_card-{member.code}.png").exists()


def test_a_manager_unlocks_resets_and_deactivates_a_member(counter, request):
    ui = counter.begin(request.node.name, AT + dt.timedelta(seconds=5), size=(1280, 800))
    for n in range(5):  # M001's wrong PINs here (as a kiosk would count them)
        with pytest.raises(Exception, match="wrong PIN|locked"):
            login_by_pin("M001", "0000", AT + dt.timedelta(seconds=n), location="COUNTER1")
    to_members(ui)
    scan(ui, "MEM0001")  # the card finds the member
    screen = ui.app.screen
    assert screen.step == "member" and "PIN login locked here until 17:15" in ui.texts()
    ui.shot("locked")
    ui.tap(ui.button("Unlock PIN"))
    assert screen.message.text == "PIN login is unlocked on every kiosk."
    assert PinUnlock.select().where(PinUnlock.kind == "unlock").count() == 1
    assert not any("locked here" in text for text in ui.texts())
    ui.tap(ui.button("Reset PIN"))
    assert screen.message.text == "The PIN is cleared: the member sets a new one."
    assert Member.get(Member.code == "M001").pin_hash is None and "No PIN yet" in ui.texts()
    ui.tap(ui.button("Deactivate"))
    assert screen.message.text == "The member is deactivated (history kept)."
    assert Member.get(Member.code == "M001").active is False
    ui.shot("deactivated")
    ui.tap(ui.button("Reactivate"))
    assert Member.get(Member.code == "M001").active is True
    scan(ui, "NOT-A-CARD")
    assert screen.message.text == "No member has card NOT-A-CARD. Tap New member to register it."


def test_a_guest_ticket_is_sold_and_printed(counter, request):
    ui = counter.begin(request.node.name, AT, size=(1280, 800))
    to_members(ui)
    ui.tap(ui.button("Guest ticket"))
    check_layout(ui, "ticket")
    ui.tap(ui.button("Card"))
    ui.tap(ui.button("Basic: 60 min  €5.00"))
    screen = ui.app.screen
    ticket = GuestTicket.select().order_by(GuestTicket.at.desc()).first()
    assert screen.step == "sold" and ticket.staff == "S02"
    assert screen.message.text == f"Ticket {ticket.member} sold; its slip is printing."
    assert f"Code: [b]{ticket.member}[/b]" in ui.texts()
    pin = screen.ticket.pin
    assert f"PIN: [b]{pin}[/b]" in ui.texts()
    check_layout(ui, "sold")
    assert [(lot.kind, lot.total) for lot in Lot.select().where(Lot.member == ticket.member)] == [
        ("minutes", 60)]
    assert login_by_pin(ticket.member, pin, AT, location="KIOSK1").member == ticket.member
    slip = (ui.prints / f"guest_ticket-{ticket.member}.bin").read_bytes()
    assert pin.encode() in slip and b"GUEST TICKET" in slip


def test_wrong_pins_under_anyone_never_lock_a_named_login(counter, request):
    ui = counter.begin(request.node.name, AT + dt.timedelta(hours=1), size=(1280, 800))
    for _ in range(3):
        login(ui, None, "9999")
    screen = ui.app.screen
    assert screen.message.text == ("Without a name, the next PIN in 2 s. Tap your name to log in "
                                   "now.")
    ui.shot("anyone-waits")
    login(ui, None, "1111")  # Sam's PIN without his name: waits too
    assert ui.app.staff is None
    login(ui, "Sam", "1111")  # his name: at once
    assert ui.app.staff is not None and ui.app.staff.code == "S01"
