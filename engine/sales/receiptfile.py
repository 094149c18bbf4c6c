"""The receipt file (site-file.md, "The receipt file"): YAML in, a `ReceiptInput` out.

Every code is resolved against the database here — barcodes like a scan, campaign barcodes
through the barcode setup — so pricing itself reads nothing; coupons stay as written (the
definitions loaded for them resolve them, coupon barcodes included). Every problem is
collected and reported at once, each naming its place in the file and its line.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.clock import check_year, parse_datetime
from engine.errors import N_, PlaydeskError
from engine.models import Campaign, Debtor, Item, Location, Member, Package, Resource
from engine.money import MAX_AMOUNT
from engine.pricing.engine import MAX_QUANTITY
from engine.pricing.types import LineInput, ReceiptInput
from engine.sales.scan import resolve, strip_campaign_barcode
from engine.sitefile.yamlnodes import Parsed, format_path, parse_yaml

TOP_KEYS = ("at", "location", "member", "debtor", "lines", "campaigns", "coupons", "payments")
LINE_KEYS = ("item", "barcode", "resource", "package", "quantity", "unit_price",
             "manual_discount")
LINE_KINDS = ("item", "barcode", "resource", "package")
PAYMENT_KEYS = ("method", "amount")


@dataclass(frozen=True)
class PaymentInput:
    method: str
    amount: int | None = None  # None: what is still due (wallet), or the whole rest


@dataclass(frozen=True)
class ReceiptFile:
    receipt: ReceiptInput
    at: dt.datetime | None
    payments: tuple[PaymentInput, ...]


def read_receipt_file(path: str | os.PathLike[str]) -> ReceiptFile:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise PlaydeskError(N_("cannot read receipt file {path}: {error}"),
                            path=os.fspath(path), error=error) from None
    return parse_receipt_text(text, os.fspath(path))


def parse_receipt_text(text: str, filename: str = "receipt") -> ReceiptFile:
    parsed = parse_yaml(text, filename)
    return _Reader(parsed).read()


def is_positive_int(value: Any, maximum: int = MAX_QUANTITY) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= maximum


def is_amount(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_AMOUNT


class _Reader:
    def __init__(self, parsed: Parsed) -> None:
        self.parsed = parsed
        self.problems: list[str] = [self._where(path) + message
                                    for path, message in parsed.problems]
        self.gross = 0  # Σ line gross, bounded so no sum overflows a 64-bit column

    def _where(self, path: tuple) -> str:
        place = format_path(path)
        return f"{self.parsed.filename}:{self.parsed.line_of(path)}: " + (
            f"{place}: " if place else "")

    def problem(self, path: tuple, message: str) -> None:
        self.problems.append(self._where(path) + message)

    def _unknown_keys(self, value: dict, allowed: tuple[str, ...], path: tuple) -> None:
        for key in value:
            if key not in allowed:
                self.problem(path + (key,), f"unknown key (expected one of {', '.join(allowed)})")

    def read(self) -> ReceiptFile:
        document = self.parsed.value
        if document is None:
            raise PlaydeskError(N_("{filename}: the file is empty (a receipt file is "
                                   "a mapping with location and lines)"),
                                filename=self.parsed.filename)
        if not isinstance(document, dict):
            raise PlaydeskError(N_("{filename}: a receipt file is a mapping "
                                   "with location and lines"), filename=self.parsed.filename)
        self._unknown_keys(document, TOP_KEYS, ())
        at = self._at(document.get("at"))
        location = self._location(document.get("location"))
        member = self._code(document, "member", Member)
        debtor = self._code(document, "debtor", Debtor)
        lines = self._lines(document.get("lines"), member)
        campaigns = self._campaigns(document.get("campaigns"))
        coupons = self._coupons(document.get("coupons"))
        payments = self._payments(document.get("payments"))
        if self.gross > MAX_AMOUNT:
            self.problem(("lines",), f"the receipt's gross {self.gross} is more than one receipt "
                                     f"may hold (at most {MAX_AMOUNT})")
        if self.problems:
            raise PlaydeskError(N_("bad receipt:\n  {problems}"),
                                problems="\n  ".join(self.problems))
        receipt = ReceiptInput(location=location or "", lines=tuple(lines), member=member,
                               debtor=debtor, campaigns=tuple(campaigns), coupons=tuple(coupons))
        return ReceiptFile(receipt, at, tuple(payments))

    def _at(self, value: Any) -> dt.datetime | None:
        if value is None:
            return None
        try:
            at = value if isinstance(value, dt.datetime) else parse_datetime(str(value))
        except PlaydeskError:
            self.problem(("at",), f"must be a datetime YYYY-MM-DDTHH:MM, not {value!r}")
            return None
        try:
            return check_year(at.replace(tzinfo=None), "the sale's time")
        except PlaydeskError as error:
            self.problem(("at",), str(error))
            return None

    def _location(self, value: Any) -> str | None:
        if value is None:
            self.problem(("location",), "required (the location code)")
            return None
        row = Location.get_or_none((Location.code == str(value)) & ~Location.deleted)
        if row is None:
            self.problem(("location",), f"unknown location {value!r}")
        return str(value)

    def _code(self, document: dict, key: str, model) -> str | None:
        value = document.get(key)
        if value is None:
            return None
        if model.get_or_none((model.code == str(value)) & ~model.deleted) is None:
            self.problem((key,), f"unknown {key} {value!r}")
        return str(value)

    def _list(self, value: Any, key: str) -> list:
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem((key,), "must be a list")
            return []
        return value

    def _lines(self, value: Any, member: str | None) -> list[LineInput]:
        if value is None or value == []:
            self.problem(("lines",), "required (at least one line)")
        result = []
        for index, line in enumerate(self._list(value, "lines")):
            path = ("lines", index)
            if not isinstance(line, dict):
                self.problem(path, f"line {index + 1}: must be a mapping such as "
                                   "{item: COLA, quantity: 1}")
                continue
            parsed = self._line(line, path, index + 1, member)
            if parsed is not None:
                result.append(parsed)
        return result

    def _line(self, line: dict, path: tuple, no: int, member: str | None) -> LineInput | None:
        self._unknown_keys(line, LINE_KEYS, path)
        kinds = [kind for kind in LINE_KINDS if kind in line]
        if len(kinds) != 1:
            self.problem(path, f"line {no}: needs exactly one of item, barcode, resource, package")
            return None
        kind, code = kinds[0], str(line[kinds[0]])
        quantity = line.get("quantity", 1)
        unit_price = line.get("unit_price")
        manual = line.get("manual_discount", 0)
        ok = True
        if not is_positive_int(quantity):
            self.problem(path + ("quantity",),
                         f"line {no}: quantity must be a whole number from 1 to {MAX_QUANTITY}, "
                         f"not {quantity!r}")
            ok = False
        if unit_price is not None and not is_amount(unit_price):
            self.problem(path + ("unit_price",),
                         f"line {no}: unit_price must be a whole amount in minor units "
                         f"(0 to {MAX_AMOUNT})")
            ok = False
        if not is_amount(manual):
            self.problem(path + ("manual_discount",),
                         f"line {no}: manual_discount must be a whole amount in minor units "
                         f"(0 to {MAX_AMOUNT})")
            ok = False
        item = resource = package = None
        price: int | None = None
        if kind == "barcode":
            found = resolve(code)
            if found.kind != "item":
                self.problem(path + ("barcode",), f"line {no}: barcode {code!r} is not an item "
                                                  f"({found.kind})")
                return None
            item = found.code
        elif kind == "item":
            item = code
        elif kind == "resource":
            resource = code
        else:
            package = code
        if item is not None:
            row = Item.get_or_none((Item.code == item) & ~Item.deleted)
            price = row.price if row else None
            if row is None:
                self.problem(path + ("item",), f"line {no}: unknown item {code!r}")
        elif resource is not None:
            row = Resource.get_or_none((Resource.code == resource) & ~Resource.deleted)
            price = row.price if row else None
            if row is None:
                self.problem(path + ("resource",), f"line {no}: unknown resource {code!r}")
        else:
            price = self._package_price(code, path, no)
            if member is None:
                self.problem(path + ("package",),
                             f"line {no}: a package line needs a member on the receipt")
        if price is None or not ok:
            return None
        gross = (price if unit_price is None else unit_price) * quantity
        self.gross += gross
        if manual > gross:
            self.problem(path + ("manual_discount",),
                         f"line {no}: manual_discount {manual} is more than the line's gross "
                         f"{gross}")
            return None
        return LineInput(item=item, resource=resource, package=package, quantity=quantity,
                         unit_price=unit_price, manual_discount=manual)

    def _package_price(self, code: str, path: tuple, no: int) -> int | None:
        campaign, _, name = code.partition("/")
        row = (Package.select(Package).join(Campaign)
               .where((Campaign.code == campaign) & (Package.code == name) & ~Campaign.deleted
                      & (Campaign.type == "packages")).first())
        if row is None:
            self.problem(path + ("package",),
                         f"line {no}: unknown package {code!r} (CAMPAIGN/PACKAGE)")
            return None
        return row.price

    def _campaigns(self, value: Any) -> list[str]:
        codes = []
        for index, scanned in enumerate(self._list(value, "campaigns")):
            code = strip_campaign_barcode(str(scanned))
            if code is None:
                self.problem(("campaigns", index), f"unknown campaign code {scanned!r}")
            else:
                codes.append(code)
        return codes

    def _coupons(self, value: Any) -> list[str]:
        # kept as written: `rejected` reports them so (pricing.md decision 4); the definitions
        # resolve them (engine.pricing.definitions.with_coupons: barcodes, case, dashes)
        coupons = []
        for index, scanned in enumerate(self._list(value, "coupons")):
            # a code as typed (an all-digit code may read as a number); nothing else is one
            if isinstance(scanned, bool) or not isinstance(scanned, (str, int)):
                self.problem(("coupons", index), "a coupon is its code as written or scanned, "
                                                 "e.g. WELCOME-7K2Q")
                continue
            coupons.append(str(scanned))
        return coupons

    def _payments(self, value: Any) -> list[PaymentInput]:
        payments = []
        for index, payment in enumerate(self._list(value, "payments")):
            path = ("payments", index)
            if not isinstance(payment, dict) or "method" not in payment:
                self.problem(path, "a payment is {method: cash|card|wallet, amount: N}")
                continue
            self._unknown_keys(payment, PAYMENT_KEYS, path)
            amount = payment.get("amount")
            if amount is not None and not is_amount(amount):
                self.problem(path + ("amount",),
                             f"must be a whole amount in minor units (0 to {MAX_AMOUNT})")
                continue
            payments.append(PaymentInput(str(payment["method"]), amount))
        return payments
