"""Site definitions other than campaigns: what the owner describes in the site file."""

from __future__ import annotations

from peewee import BooleanField, ForeignKeyField, IntegerField, TextField

from engine.models.base import BaseModel, Definition, NamesField, PercentField


class Site(BaseModel):
    """The one site this database belongs to."""

    code = TextField(unique=True)
    name = TextField()
    currency = TextField(default="EUR")
    minor_digits = IntegerField(default=2)
    timezone = TextField(default="UTC")
    version = TextField(null=True)
    tax_mode = TextField(default="inclusive")  # inclusive | exclusive (spec/tax.md)
    locale = TextField(default="en_US")  # language and formats of screens and paper (issue 20)


class Location(Definition):
    kind = TextField()  # counter | kiosk
    name = TextField(null=True)
    campaigns_allowed = BooleanField(default=False)


class Category(Definition):
    name = TextField()
    names = NamesField(null=True)


class Vendor(Definition):
    name = TextField()


class Item(Definition):
    name = TextField()
    price = IntegerField()
    category = ForeignKeyField(Category, null=True, backref="items", on_delete="RESTRICT")
    vendor = ForeignKeyField(Vendor, null=True, backref="items", on_delete="RESTRICT")
    tax = TextField(null=True)  # a tax_rate code (tax.md); NULL on a site without rates
    names = NamesField(null=True)  # the name in other languages (issue 20)


class ItemBarcode(BaseModel):
    item = ForeignKeyField(Item, backref="barcodes", on_delete="CASCADE")
    barcode = TextField(unique=True)
    position = IntegerField(default=0)


class Resource(Definition):
    name = TextField()
    price = IntegerField()
    device = TextField(default="any")  # pc | console | any
    tax = TextField(null=True)
    names = NamesField(null=True)


class Debtor(Definition):
    name = TextField()


class Member(Definition):
    name = TextField()
    card = TextField(null=True, unique=True)
    debtor = ForeignKeyField(Debtor, null=True, backref="members", on_delete="RESTRICT")
    pin_hash = TextField(null=True)
    can_login = BooleanField(default=True)
    active = BooleanField(default=True)


class Segment(Definition):
    name = TextField()


class SegmentMember(BaseModel):
    segment = ForeignKeyField(Segment, backref="memberships", on_delete="CASCADE")
    member = ForeignKeyField(Member, backref="segments", on_delete="CASCADE")

    class Meta:
        indexes = ((("segment", "member"), True),)


class Staff(Definition):
    name = TextField()
    role = TextField()  # cashier | manager | owner
    pin_hash = TextField(null=True)
    active = BooleanField(default=True)
    language = TextField(null=True)  # the counter's language after this login (None: the site's)


class PaymentMethod(Definition):
    commission_percent = PercentField(default="0")
    fixed_fee = IntegerField(default=0)


class BarcodeRule(BaseModel):
    """Barcode setup: a scan starting with `prefix` (and ending with `suffix`) means `type`."""

    prefix = TextField()
    suffix = TextField(default="")
    type = TextField()  # campaign | coupon | member | item
    position = IntegerField(default=0)
    version = TextField(null=True)

    class Meta:
        indexes = ((("prefix", "suffix"), True),)


class Setting(BaseModel):
    key = TextField(unique=True)
    value = TextField()  # JSON
    version = TextField(null=True)


MODELS = [Site, Location, Category, Vendor, Item, ItemBarcode, Resource, Debtor, Member, Segment,
          SegmentMember, Staff, PaymentMethod, BarcodeRule, Setting]
