"""Campaigns of every type, with packages, filters, triggers, tiers, free lines, combinations."""

from __future__ import annotations

from peewee import BooleanField, DateField, DateTimeField, ForeignKeyField, IntegerField, TextField

from engine.models.base import BaseModel, Definition, NamesField, PercentField, WeekdaysField


class Campaign(Definition):
    type = TextField()
    name = TextField()
    description = TextField(default="")
    active = BooleanField(default=False)

    # package campaigns
    starts_at = DateTimeField(null=True)
    expires_at = DateTimeField(null=True)

    # discount campaigns
    automatic = BooleanField(default=True)
    priority = IntegerField(default=100)
    category = TextField(null=True)  # code of a campaign of type `category`
    print_type = TextField(default="description")
    notification_type = TextField(default="none")
    value = PercentField(null=True)  # percent for *_discount, minor units for *_reduce
    overpayment_allowed = BooleanField(default=False)

    # validity
    from_date = DateField(null=True)
    to_date = DateField(null=True)
    from_time = TextField(null=True)  # "HH:MM"
    to_time = TextField(null=True)
    weekdays = WeekdaysField(null=True)
    from_quantity = IntegerField(default=0)
    from_amount = IntegerField(default=0)
    item_validity = TextField(default="all")  # all | reduced | not_reduced

    # m_for_n / m_plus_n
    buy = IntegerField(null=True)
    pay = IntegerField(null=True)
    # m_plus_n's `get` (named apart: a field called `get` would hide peewee's Model.get)
    get_quantity = IntegerField(null=True)
    usage = TextField(null=True)  # single | multiple
    reduction_type = TextField(null=True)  # line_reduce | receipt_reduce
    set_usage = BooleanField(default=False)
    gate_amount = IntegerField(default=0)  # m_plus_n's own `from_amount`

    # coupon issue
    coupon_issue_active = BooleanField(default=False)
    coupon_issue_text = TextField(null=True)
    coupon_issue_image = TextField(null=True)
    coupon_issue_expiration = TextField(null=True)
    names = NamesField(null=True)  # the name in other languages (issue 20)


class Package(BaseModel):
    campaign = ForeignKeyField(Campaign, backref="packages", on_delete="CASCADE")
    code = TextField()
    name = TextField()
    package_type = TextField()  # minutes | money
    base = IntegerField()
    bonus_type = TextField(default="none")  # none | minutes | money
    bonus = IntegerField(null=True)
    price = IntegerField()
    device = TextField(default="any")  # pc | console | any
    validity_days = IntegerField(null=True)
    weekdays = WeekdaysField(null=True)
    max_per_member = IntegerField(null=True)
    active = BooleanField(default=True)
    position = IntegerField(default=0)
    tax = TextField(null=True)  # a minutes package's rate; a money package has none (a voucher)
    names = NamesField(null=True)

    class Meta:
        indexes = ((("campaign", "code"), True),)


class CampaignFilter(BaseModel):
    campaign = ForeignKeyField(Campaign, backref="filters", on_delete="CASCADE")
    type = TextField()  # location | item | item_category | vendor | resource | debtor | contact
    code = TextField(null=True)  # None: the whole group; "": blank
    excluded = BooleanField(default=False)
    position = IntegerField(default=0)


class Trigger(BaseModel):
    campaign = ForeignKeyField(Campaign, backref="triggers", on_delete="CASCADE")
    kind = TextField()  # pool | set
    min_quantity = IntegerField(null=True)  # pool triggers
    position = IntegerField(default=0)


class TriggerLine(BaseModel):
    trigger = ForeignKeyField(Trigger, backref="lines", on_delete="CASCADE")
    type = TextField()
    code = TextField(null=True)
    quantity = IntegerField(default=1)
    position = IntegerField(default=0)


class Tier(BaseModel):
    campaign = ForeignKeyField(Campaign, backref="tiers", on_delete="CASCADE")
    from_quantity = IntegerField(default=0)
    from_amount = IntegerField(default=0)
    value = PercentField()
    usage = TextField(default="single")
    position = IntegerField(default=0)


class FreeLine(BaseModel):
    campaign = ForeignKeyField(Campaign, backref="free_lines", on_delete="CASCADE")
    type = TextField()  # item | resource | item_category
    code = TextField()
    position = IntegerField(default=0)


class Combination(BaseModel):
    """An unordered pair of campaign or category-campaign codes that may combine (stored sorted)."""

    first = TextField()
    second = TextField()
    version = TextField(null=True)

    class Meta:
        indexes = ((("first", "second"), True),)


MODELS = [Campaign, Package, CampaignFilter, Trigger, TriggerLine, Tier, FreeLine, Combination]
