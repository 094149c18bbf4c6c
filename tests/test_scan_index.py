"""engine.sales.scan_index: scans resolved from memory mean what the database says, and the
snapshot follows every change — another process's commit, this process's own writes, a rolled
back transaction, another database file — while a coupon's redemptions are read live.

The reference below is the database lookup the counter made before the index (engine.sales.scan
at 6b0fb36, one query per try): the index must give the same answer for every code."""

from __future__ import annotations

import datetime as dt
import json
import random
import string
import subprocess
import sys
from pathlib import Path

import pytest

from engine.codes.rules import barcode_rules, gtin_check_digit_ok, looks_like_gtin, matching_rules
from engine.coupons.lookup import find_coupon
from engine.coupons.wizard import generate
from engine.db import close_database, open_database, write
from engine.models import BarcodeRule, Campaign, Coupon, Item, ItemBarcode, Member, Resource
from engine.models.orders import PendingOrder
from engine.people.members import member_by_card, member_by_code, member_for_rule
from engine.sales import scan_index
from engine.sales.cart import Cart, apply_scan
from engine.sales.orders import ORDER_PREFIX, order_code
from engine.sales.scan import Interpretation, Resolved, interpret, resolve
from engine.sitefile import load_site_file

PLAYDESK = Path(sys.executable).parent / "playdesk"
AT = dt.datetime(2026, 7, 3, 17, 0)


# ------------------------------------------------------- the reference: one query per lookup


def _live_campaign(code: str) -> Campaign | None:
    return Campaign.get_or_none((Campaign.code == code) & ~Campaign.deleted)


def _reference_by_rule(kind: str, inner: str, scanned: str, rules) -> Resolved | None:
    if kind == "campaign":
        campaign = _live_campaign(inner)
        return Resolved("campaign", campaign.code, scanned) if campaign else None
    if kind == "coupon":
        coupon = find_coupon(scanned, rules)
        return Resolved("coupon", coupon.code, scanned) if coupon else None
    if kind == "member":
        member = member_for_rule(scanned, inner)
        return Resolved("member", member.code, scanned) if member else None
    if kind == "item":
        item = Item.get_or_none((Item.code == inner) & ~Item.deleted)
        return Resolved("item", item.code, scanned) if item else None
    return None


def reference_resolve(scanned: str) -> Resolved:
    code = scanned.strip()
    barcode = (ItemBarcode.select(ItemBarcode, Item).join(Item)
               .where((ItemBarcode.barcode == code) & ~Item.deleted).first())
    if barcode is not None:
        return Resolved("item", barcode.item.code, code)
    member = member_by_card(code)
    if member is not None:
        return Resolved("member", member.code, code)
    rules = barcode_rules()
    for rule, inner in matching_rules(code, rules=rules):
        found = _reference_by_rule(rule.type, inner, code, rules)
        if found is not None:
            return found
    coupon = find_coupon(code, rules)
    if coupon is not None:
        return Resolved("coupon", coupon.code, code)
    if code.upper().startswith(ORDER_PREFIX):
        order = PendingOrder.get_or_none(PendingOrder.code == order_code(code))
        if order is not None:
            return Resolved("order", order.code, code)
    if looks_like_gtin(code) and not gtin_check_digit_ok(code):
        return Resolved("invalid", None, code)
    return Resolved("unknown", None, code)


def reference_interpret(text: str, found: Resolved | None = None
                        ) -> tuple[str, str | None, str | None]:
    """`found`: reference_resolve(text), when the caller has it."""
    code = text.strip()
    if not code:
        return "unknown", None, "nothing_scanned"
    if code.upper().startswith(ORDER_PREFIX):
        return "order", code, None
    found = reference_resolve(code) if found is None else found
    if found.kind in ("item", "member", "campaign", "coupon"):
        return found.kind, found.code, None
    for kind, model in (("item", Item), ("resource", Resource)):
        row = model.get_or_none((model.code == code) & ~model.deleted) or \
            model.get_or_none((model.code == code.upper()) & ~model.deleted)
        if row is not None:
            return kind, row.code, None
    member = member_by_code(code)
    if member is not None:
        return "member", member.code, None
    if _live_campaign(code):
        return "campaign", code, None
    for _rule, inner in matching_rules(code, "campaign"):
        if _live_campaign(inner):
            return "campaign", inner, None
    return "unknown", None, "misread" if found.kind == "invalid" else "unknown_code"


def meaning(result: Interpretation) -> tuple[str, str | None, str | None]:
    return result.kind, result.code, result.reason_code


# ------------------------------------------------------------------- a random site, changing


def gtin(body: str) -> str:
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return body + str((10 - total % 10) % 10)


def word(rng: random.Random, length: int = 5) -> str:
    return "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(length))


class RandomSite:
    """Items with barcodes, resources, members with cards, campaigns, coupons and barcode rules
    (prefixes that overlap, suffixes), some deleted or inactive; `change()` edits some."""

    PREFIXES = ["C", "CP", "CPN", "M", "MEM", "I", "2", "20", "CAMP"]

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.texts: set[str] = set()
        with write():
            for position, prefix in enumerate(rng.sample(self.PREFIXES, 6)):
                suffix = rng.choice(["", "", "X", "/"])
                BarcodeRule.create(prefix=prefix, suffix=suffix, position=position,
                                   type=rng.choice(["campaign", "coupon", "member", "item"]))
            for _ in range(40):
                self.add_item()
            for n in range(8):
                Resource.create(code=f"R{n}-{word(rng, 2)}", name=f"Resource {n}", price=300,
                                deleted=rng.random() < 0.2)
            for _ in range(30):
                self.add_member()
            for n in range(12):
                Campaign.create(code=f"K{n}{word(rng, 3)}", name=f"Campaign {n}",
                                type=rng.choice(["receipt_discount", "packages", "category"]),
                                deleted=rng.random() < 0.25)
            for _ in range(15):
                Coupon.create(code=self.coupon_code(), campaign="K0", status="issued")

    def coupon_code(self) -> str:
        code = self.rng.choice([f"{word(self.rng, 4)}-{word(self.rng, 4)}", word(self.rng, 8),
                                self.rng.choice(self.PREFIXES) + word(self.rng, 6)])
        return code if not Coupon.get_or_none(Coupon.code == code) else self.coupon_code()

    def add_item(self) -> None:
        rng = self.rng
        item = Item.create(code=f"IT{word(rng, 3)}{rng.randrange(1000)}", name=f"Item {word(rng)}",
                           price=rng.randrange(50, 900), deleted=rng.random() < 0.15)
        for _ in range(rng.randrange(3)):
            barcode = gtin("".join(rng.choice(string.digits) for _ in range(12)))
            if not ItemBarcode.get_or_none(ItemBarcode.barcode == barcode):
                ItemBarcode.create(item=item, barcode=barcode)

    def add_member(self) -> None:
        rng = self.rng
        card = rng.choice([None, f"{rng.choice(self.PREFIXES)}{rng.randrange(10 ** 5):05d}",
                           f"CARD{rng.randrange(10 ** 6)}"])
        if card is not None and Member.get_or_none(Member.card == card):
            card = None
        Member.create(code=f"M{word(rng, 4)}", name=f"Member {word(rng)}", card=card,
                      active=rng.random() < 0.8, deleted=rng.random() < 0.15)

    def change(self) -> None:
        """A round of edits through this process's connection (what a manager or a site load in
        this process does)."""
        rng = self.rng
        with write():
            for model in (Item, Member, Campaign, Resource):
                for row in rng.sample(list(model.select()), 3):
                    row.deleted = not row.deleted
                    row.save()
            for member in rng.sample(list(Member.select()), 3):
                member.active = not member.active
                member.card = None if member.card else f"CARD{rng.randrange(10 ** 6)}x"
                member.save()
            ItemBarcode.delete().where(ItemBarcode.id.in_(
                [row.id for row in rng.sample(list(ItemBarcode.select()), 2)])).execute()
            for _ in range(3):
                self.add_item()
                self.add_member()
            rule = rng.choice(list(BarcodeRule.select()))
            rule.type = rng.choice(["campaign", "coupon", "member", "item"])
            rule.save()
            Coupon.create(code=self.coupon_code(), campaign="K0", status="issued")

    def codes(self) -> list[str]:
        """Every code the site knows, as scanned and typed (rule-wrapped, lower-cased, without
        dashes), and codes it does not know (random text, GTINs right and wrong)."""
        rng = self.rng
        known = ([row.code for model in (Item, Resource, Member, Campaign, Coupon)
                  for row in model.select()]
                 + [row.barcode for row in ItemBarcode.select()]
                 + [row.card for row in Member.select() if row.card])
        rules = list(BarcodeRule.select())
        wrapped = [f"{rule.prefix}{code}{rule.suffix}" for code in known
                   for rule in rng.sample(rules, 2)]
        typed = [code.lower() for code in known] + [code.replace("-", "") for code in known]
        misread = [code[:-1] + str((int(code[-1]) + 1) % 10) for code in known
                   if looks_like_gtin(code)]
        unknown = [word(rng, rng.randrange(1, 10)) for _ in range(40)] + \
                  [gtin("".join(rng.choice(string.digits) for _ in range(12))) for _ in range(5)]
        # a sample of each sort: the reference costs a dozen queries a code
        codes = [code for sort in (known, wrapped, typed, misread, unknown)
                 for code in rng.sample(sort, min(len(sort), 40))] + ["", " ", "ORD12345"]
        return codes + [f" {code}\n" for code in rng.sample(codes, 20)]


def check_all(site: RandomSite) -> int:
    names = {"item": Item, "resource": Resource, "member": Member, "campaign": Campaign}
    codes = site.codes()
    for code in codes:
        resolved = reference_resolve(code)
        assert resolve(code) == resolved, repr(code)
        expected = reference_interpret(code, resolved)
        assert meaning(interpret(code)) == expected, repr(code)
        if expected[0] in ("item", "resource", "member"):
            outcome = apply_scan(Cart("COUNTER1"), code, AT)
            model = names[expected[0]]
            row = model.get(model.code == expected[1])
            assert outcome.accepted == (expected[0] != "member" or row.active), code
            shown = row.name if outcome.accepted else ""  # a refusal names nothing
            assert (outcome.kind, outcome.code, outcome.name) == (expected[0], row.code, shown)
    return len(codes)


def test_the_index_means_what_the_database_says_through_changes(db):
    """~220 codes per round, three rounds of this process's own edits between them, on two
    random sites; without the refresh the second round fails (an edited record keeps its old
    meaning)."""
    for seed in range(2):
        site = RandomSite(random.Random(seed))
        for _round in range(3):
            assert check_all(site) > 200
            site.change()
        with write():
            for model in (ItemBarcode, Item, Member, Resource, Campaign, Coupon, BarcodeRule):
                model.delete().execute()


def test_the_index_means_what_the_database_says_on_the_demo_site(demo_site):
    codes = ["4006381333931", "4006381333932", "COLA", "cola", "MEM0001", "MEM0002", "M003",
             "MEMM001", "CAMPSTAFF10", "STAFF10", "staff10", "PC-HOUR", "pc-hour", "SUMMER",
             "CAMPSUMMER", "HELLO", "ORDX", "", "96385074"]
    codes += [coupon.code for coupon in generate("WELCOME", 3, AT, discount_type="reduce",
                                                 value=100)]
    for code in codes + [f"CPN{code}" for code in codes] + [code.lower() for code in codes]:
        assert meaning(interpret(code)) == reference_interpret(code), code
        assert resolve(code) == reference_resolve(code), code


# ------------------------------------------------------------------------------ refreshing


def playdesk(db_path: Path, *args: str) -> dict:
    """The CLI in its own process: its commits are another connection's."""
    done = subprocess.run([str(PLAYDESK), "--db", str(db_path), "--at", "2026-07-03T17:00",
                           *args], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def site_file(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_another_process_change_is_seen_by_the_next_scan(demo_site, db_path, tmp_path):
    cart = Cart("COUNTER1")
    assert apply_scan(cart, "COLA", AT).accepted  # the snapshot is built here
    assert interpret("2000000000017").kind == "unknown"
    added = site_file(tmp_path, "add.yaml", "items:\n  - {code: LEMONADE, name: Lemonade, "
                      "price: 300, category: DRINKS, barcodes: ['2000000000017'], tax: A}\n")
    playdesk(db_path, "load", str(added))
    outcome = apply_scan(cart, "2000000000017", AT)
    assert (outcome.kind, outcome.code, outcome.name) == ("item", "LEMONADE", "Lemonade")
    assert cart.price(AT).lines[-1].unit_price == 300

    removed = site_file(tmp_path, "del.yaml", "items:\n  - {code: LEMONADE, name: Lemonade, "
                        "price: 300, category: DRINKS, deleted: true}\n")
    playdesk(db_path, "load", str(removed))
    assert interpret("2000000000017").kind == "unknown"
    assert interpret("LEMONADE").kind == "unknown"

    assert interpret("CAMPSTAFF10").kind == "campaign"
    playdesk(db_path, "campaign", "delete", "STAFF10")
    assert interpret("CAMPSTAFF10").kind == "unknown"


def test_this_process_change_is_seen_by_the_next_scan(demo_site, tmp_path, clock):
    """A site load and an edit in this process move no data_version: total_changes tells."""
    cart = Cart("COUNTER1")
    assert apply_scan(cart, "MEM0001", AT).accepted
    renamed = site_file(tmp_path, "rename.yaml", "members:\n  - {code: M001, name: Ada L., "
                        "card: NEWCARD1}\nitems:\n  - {code: TEA, name: Tea, price: 180, "
                        "category: DRINKS, barcodes: ['2000000000024'], tax: A}\n")
    load_site_file(renamed, at=clock.now())
    assert interpret("MEM0001").kind == "unknown"
    outcome = apply_scan(Cart("COUNTER1"), "NEWCARD1", AT)
    assert (outcome.kind, outcome.code, outcome.name) == ("member", "M001", "Ada L.")
    assert apply_scan(cart, "2000000000024", AT).name == "Tea"
    with write():
        Member.update(active=False).where(Member.code == "M001").execute()
    refused = apply_scan(Cart("COUNTER1"), "NEWCARD1", AT)
    assert (refused.kind, refused.accepted, refused.reason_code) == (
        "member", False, "member_inactive")


def test_a_rolled_back_change_is_not_kept(demo_site):
    assert interpret("2000000000031").kind == "unknown"

    class Undo(Exception):
        pass

    with pytest.raises(Undo), write():
        tea = Item.create(code="TEA", name="Tea", price=180)
        ItemBarcode.create(item=tea, barcode="2000000000031")
        assert interpret("2000000000031").kind == "item"  # the transaction sees its own rows
        raise Undo
    assert interpret("2000000000031").kind == "unknown"


def test_another_database_file_has_its_own_codes(tmp_path):
    for name, item in (("a.db", "APPLE"), ("b.db", "BREAD")):
        open_database(tmp_path / name)
        with write():
            ItemBarcode.create(item=Item.create(code=item, name=item, price=1), barcode="12345670")
        assert resolve("12345670").code == item
        close_database()
    open_database(tmp_path / "a.db")
    try:
        assert resolve("12345670").code == "APPLE"
    finally:
        close_database()


def test_a_coupon_redeemed_elsewhere_is_refused_by_a_snapshot_older_than_that(
        demo_site, db_path, tmp_path, monkeypatch):
    code = generate("WELCOME", 1, AT, discount_type="reduce", value=100)[0].code
    first = Cart("COUNTER1")
    apply_scan(first, "HEADSET", AT)
    assert apply_scan(first, code, AT).accepted
    before = scan_index.current()
    receipt = site_file(tmp_path, "sale.yaml", "at: 2026-07-03T17:00\nlocation: COUNTER1\n"
                        f"lines:\n  - {{item: HEADSET, quantity: 1}}\ncoupons: ['{code}']\n"
                        "payments:\n  - {method: cash}\n")
    playdesk(db_path, "checkout", str(receipt))  # the other process redeems it
    assert Coupon.get(Coupon.code == code).redemptions == 1
    # even the snapshot built before the redemption: the coupon's state is read, not kept
    monkeypatch.setattr(scan_index, "current", lambda: before)
    for current in ("engine.sales.scan.current", "engine.sales.cart.current"):
        monkeypatch.setattr(current, lambda: before)
    second = Cart("COUNTER1")
    apply_scan(second, "HEADSET", AT)
    outcome = apply_scan(second, code, AT)
    assert (outcome.kind, outcome.accepted) == ("coupon", False), outcome
    assert outcome.reason_code in ("used_up", "redeemed", "max_redemptions"), outcome
    assert second.coupons == []
