"""The first schema (release 0.1), frozen: generated with
`python -m playhouse.migrations sqlite:///x.db initial engine.models:ALL_MODELS`, with the coupon
indexes written out by hand and the custom text fields as the plain TextField they store.

Never edit a released migration: a later schema change is a new numbered script. The models are
copied here on purpose, independent of engine/models (tests/test_db.py checks that migrating gives
exactly the models' schema).
"""

from peewee import (
    BooleanField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)


def up(migrator, db):
    class BarcodeRule(Model):
        prefix = TextField()
        suffix = TextField(default='')
        type = TextField()
        position = IntegerField(default=0)
        version = TextField(null=True)
        class Meta:
            database = db
            legacy_table_names = False
            table_name = 'barcode_rule'
            indexes = ((('prefix', 'suffix'), True),)
    db.create_tables([BarcodeRule])

    class Campaign(Model):
        code = TextField(unique=True)
        deleted = BooleanField(default=False)
        version = TextField(null=True)
        type = TextField()
        name = TextField()
        description = TextField(default='')
        active = BooleanField(default=False)
        starts_at = DateTimeField(null=True)
        expires_at = DateTimeField(null=True)
        automatic = BooleanField(default=True)
        priority = IntegerField(default=100)
        category = TextField(null=True)
        print_type = TextField(default='description')
        notification_type = TextField(default='none')
        value = TextField(null=True)
        overpayment_allowed = BooleanField(default=False)
        from_date = DateField(null=True)
        to_date = DateField(null=True)
        from_time = TextField(null=True)
        to_time = TextField(null=True)
        weekdays = TextField(null=True)
        from_quantity = IntegerField(default=0)
        from_amount = IntegerField(default=0)
        item_validity = TextField(default='all')
        buy = IntegerField(null=True)
        pay = IntegerField(null=True)
        get_quantity = IntegerField(null=True)
        usage = TextField(null=True)
        reduction_type = TextField(null=True)
        set_usage = BooleanField(default=False)
        gate_amount = IntegerField(default=0)
        coupon_issue_active = BooleanField(default=False)
        coupon_issue_text = TextField(null=True)
        coupon_issue_image = TextField(null=True)
        coupon_issue_expiration = TextField(null=True)
        class Meta:
            database = db
            legacy_table_names = False
            table_name = 'campaign'
    db.create_tables([Campaign])

    class CampaignFilter(Model):
        campaign = ForeignKeyField(Campaign, on_delete='CASCADE')
        type = TextField()
        code = TextField(null=True)
        excluded = BooleanField(default=False)
        position = IntegerField(default=0)
        class Meta:
            database = db
            legacy_table_names = False
            table_name = 'campaign_filter'
    db.create_tables([CampaignFilter])

    class Category(Model):
        code = TextField(unique=True)
        deleted = BooleanField(default=False)
        version = TextField(null=True)
        name = TextField()
        class Meta:
            database = db
            legacy_table_names = False
            table_name = 'category'
    db.create_tables([Category])

    class Combination(Model):
        first = TextField()
        second = TextField()
        version = TextField(null=True)
        class Meta:
            database = db
            legacy_table_names = False
            table_name = 'combination'
            indexes = ((('first', 'second'), True),)
    db.create_tables([Combination])

    class Consumption(Model):
        id = TextField(primary_key=True)
        lot = TextField(index=True)
        member = TextField(index=True)
        kind = TextField(default='use')
        amount = IntegerField()
        reference = TextField(null=True)
        at = DateTimeField()
        device = TextField()
        offline = BooleanField(default=False)
        class Meta:
            database = db
            legacy_table_names = False
            table_name = 'consumption'
    db.create_tables([Consumption])

    class Counter(Model):
        name = TextField(primary_key=True)
        value = IntegerField(default=0)
        class Meta:
            database = db
            legacy_table_names = False
            table_name = 'counter'
    db.create_tables([Counter])

    class Coupon(Model):
        code = TextField(unique=True)
        campaign = TextField()
        sales_type = TextField(default='all')
        sales_code = TextField(null=True)
        max_redemptions = IntegerField(default=1)
        discount_type = TextField(null=True)
        value = TextField(null=True)
        expires_on = DateField(null=True)
        without_restrictions = BooleanField(default=False)
        status = TextField(default='issued')
        redemptions = IntegerField(default=0)
        origin = TextField(default='imported')
        text = TextField(null=True)
        image = TextField(null=True)
        created_on = DateTimeField(null=True)
        created_by = TextField(null=True)
        canceled_at = DateTimeField(null=True)
        canceled_by = TextField(null=True)
        issued_receipt = TextField(null=True)
        device = TextField(null=True)
        version = TextField(null=True)
        class Meta:
            database = db
            legacy_table_names = False
            table_name = 'coupon'
    db.create_tables([Coupon])
    # expression and composite indexes of engine/models/coupons.py, written out by hand
    db.execute_sql('CREATE INDEX "coupon_lookup_key" ON "coupon" '
                   "(upper(replace(\"code\", '-', '')))")
    db.execute_sql('CREATE INDEX "coupon_customer" ON "coupon" '
                   '("campaign", "sales_type", "sales_code")')

    class CouponRedemption(Model):
        id = TextField(primary_key=True)
        coupon = TextField(index=True)
        receipt = TextField(index=True)
        at = DateTimeField()
        device = TextField()
        offline = BooleanField(default=False)
        class Meta:
            database = db
            legacy_table_names = False
            table_name = 'coupon_redemption'
            indexes = ((('coupon', 'receipt'), True),)
    db.create_tables([CouponRedemption])

    class Debtor(Model):
        code = TextField(unique=True)
        deleted = BooleanField(default=False)
        version = TextField(null=True)
        name = TextField()
        class Meta:
            database = db
            legacy_table_names = False
            table_name = 'debtor'
    db.create_tables([Debtor])

    class Entry(Model):
        id = TextField(primary_key=True)
        entry_no = IntegerField()
        device = TextField()
        origin_type = TextField(default='receipt')
        origin_code = TextField(index=True)
        timestamp = DateTimeField()
        campaign = TextField(index=True)
        campaign_type = TextField()
        registration = TextField()
        registration_code = TextField(null=True)
        discount_type = TextField()
        discount_value = TextField(null=True)
        reduce_amount = IntegerField()
        process = TextField()
        class Meta:
            database = db
            legacy_table_names = False
            table_name = 'entry'
            indexes = ((('device', 'entry_no'), True),)
    db.create_tables([Entry])

    class EntryAllocation(Model):
        entry = ForeignKeyField(Entry, on_delete='CASCADE')
        line_no = IntegerField()
        amount = IntegerField()
        class Meta:
            database = db
            legacy_table_names = False
            table_name = 'entry_allocation'
    db.create_tables([EntryAllocation])

    class Event(Model):
        device = TextField()
        seq = IntegerField()
        hlc = TextField()
        type = TextField()
        payload = TextField()
        sig = TextField(null=True)
        class Meta:
            database = db
            legacy_table_names = False
            table_name = 'event'
            indexes = ((('device', 'seq'), True),)
    db.create_tables([Event])

    class FreeLine(Model):
        campaign = ForeignKeyField(Campaign, on_delete='CASCADE')
        type = TextField()
        code = TextField()
        position = IntegerField(default=0)
        class Meta:
            database = db
            legacy_table_names = False
            table_name = 'free_line'
    db.create_tables([FreeLine])

    class Vendor(Model):
        code = TextField(unique=True)
        deleted = BooleanField(default=False)
        version = TextField(null=True)
        name = TextField()
        class Meta:
            database = db
            legacy_table_names = False
            table_name = 'vendor'
    db.create_tables([Vendor])

    class Item(Model):
        code = TextField(unique=True)
        deleted = BooleanField(default=False)
        version = TextField(null=True)
        name = TextField()
        price = IntegerField()
        category = ForeignKeyField(Category, null=True, on_delete='RESTRICT')
        vendor = ForeignKeyField(Vendor, null=True, on_delete='RESTRICT')
        class Meta:
            database = db
            legacy_table_names = False
            table_name = 'item'
    db.create_tables([Item])

    class ItemBarcode(Model):
        item = ForeignKeyField(Item, on_delete='CASCADE')
        barcode = TextField(unique=True)
        position = IntegerField(default=0)
        class Meta:
            database = db
            legacy_table_names = False
            table_name = 'item_barcode'
    db.create_tables([ItemBarcode])

    class Receipt(Model):
        id = TextField(primary_key=True)
        device = TextField()
        at = DateTimeField(index=True)
        location = TextField()
        member = TextField(index=True, null=True)
        debtor = TextField(null=True)
        contact = TextField(null=True)
        staff = TextField(null=True)
        shift = TextField(index=True, null=True)
        subtotal = IntegerField()
        discount = IntegerField()
        total = IntegerField()
        paid = IntegerField(default=0)
        change = IntegerField(default=0)
        status = TextField(default='paid')
        class Meta:
            database = db
            legacy_table_names = False
            table_name = 'receipt'
    db.create_tables([Receipt])

    class ReceiptLine(Model):
        id = TextField(primary_key=True)
        receipt = ForeignKeyField(Receipt, on_delete='CASCADE')
        no = IntegerField()
        item = TextField(null=True)
        resource = TextField(null=True)
        package = TextField(null=True)
        name = TextField(default='')
        quantity = IntegerField()
        unit_price = IntegerField()
        gross = IntegerField()
        manual_discount = IntegerField(default=0)
        discount = IntegerField()
        net = IntegerField()
        purchase = TextField(null=True)
        class Meta:
            database = db
            legacy_table_names = False
            table_name = 'receipt_line'
    db.create_tables([ReceiptLine])

    class LineReduction(Model):
        line = ForeignKeyField(ReceiptLine, on_delete='CASCADE')
        position = IntegerField()
        campaign = TextField()
        amount = IntegerField()
        class Meta:
            database = db
            legacy_table_names = False
            table_name = 'line_reduction'
    db.create_tables([LineReduction])

    class LocalState(Model):
        key = TextField(primary_key=True)
        value = TextField()
        class Meta:
            database = db
            legacy_table_names = False
            table_name = 'local_state'
    db.create_tables([LocalState])

    class Location(Model):
        code = TextField(unique=True)
        deleted = BooleanField(default=False)
        version = TextField(null=True)
        kind = TextField()
        name = TextField(null=True)
        campaigns_allowed = BooleanField(default=False)
        class Meta:
            database = db
            legacy_table_names = False
            table_name = 'location'
    db.create_tables([Location])

    class LoginAttempt(Model):
        member = TextField(index=True)
        method = TextField()
        ok = BooleanField()
        reason = TextField(null=True)
        location = TextField(null=True)
        at = DateTimeField(index=True)
        class Meta:
            database = db
            legacy_table_names = False
            table_name = 'login_attempt'
    db.create_tables([LoginAttempt])

    class LoginLockout(Model):
        member = TextField(index=True)
        at = DateTimeField()
        until = DateTimeField()
        class Meta:
            database = db
            legacy_table_names = False
            table_name = 'login_lockout'
    db.create_tables([LoginLockout])

    class Lot(Model):
        id = TextField(primary_key=True)
        member = TextField()
        kind = TextField()
        type = TextField()
        total = IntegerField()
        remaining = IntegerField()
        device = TextField(default='any')
        status = TextField(default='active')
        expires_at = DateTimeField(null=True)
        purchase = TextField(index=True, null=True)
        created_at = DateTimeField()
        comment = TextField(null=True)
        staff = TextField(null=True)
        origin = TextField()
        class Meta:
            database = db
            legacy_table_names = False
            table_name = 'lot'
            indexes = ((('member', 'kind', 'status'), False),)
    db.create_tables([Lot])

    class Member(Model):
        code = TextField(unique=True)
        deleted = BooleanField(default=False)
        version = TextField(null=True)
        name = TextField()
        card = TextField(unique=True, null=True)
        debtor = ForeignKeyField(Debtor, null=True, on_delete='RESTRICT')
        pin_hash = TextField(null=True)
        can_login = BooleanField(default=True)
        active = BooleanField(default=True)
        class Meta:
            database = db
            legacy_table_names = False
            table_name = 'member'
    db.create_tables([Member])

    class OrderCompletion(Model):
        order = TextField(primary_key=True)
        purchase = TextField()
        payment = TextField()
        staff = TextField(null=True)
        location = TextField(null=True)
        at = DateTimeField()
        device = TextField()
        class Meta:
            database = db
            legacy_table_names = False
            table_name = 'order_completion'
    db.create_tables([OrderCompletion])

    class Package(Model):
        campaign = ForeignKeyField(Campaign, on_delete='CASCADE')
        code = TextField()
        name = TextField()
        package_type = TextField()
        base = IntegerField()
        bonus_type = TextField(default='none')
        bonus = IntegerField(null=True)
        price = IntegerField()
        device = TextField(default='any')
        validity_days = IntegerField(null=True)
        weekdays = TextField(null=True)
        max_per_member = IntegerField(null=True)
        active = BooleanField(default=True)
        position = IntegerField(default=0)
        class Meta:
            database = db
            legacy_table_names = False
            table_name = 'package'
            indexes = ((('campaign', 'code'), True),)
    db.create_tables([Package])

    class Payment(Model):
        id = TextField(primary_key=True)
        receipt = TextField(index=True, null=True)
        purchase = TextField(index=True, null=True)
        method = TextField()
        amount = IntegerField()
        tendered = IntegerField(null=True)
        commission = IntegerField(default=0)
        at = DateTimeField()
        device = TextField()
        class Meta:
            database = db
            legacy_table_names = False
            table_name = 'payment'
    db.create_tables([Payment])

    class PaymentMethod(Model):
        code = TextField(unique=True)
        deleted = BooleanField(default=False)
        version = TextField(null=True)
        commission_percent = TextField(default='0')
        fixed_fee = IntegerField(default=0)
        class Meta:
            database = db
            legacy_table_names = False
            table_name = 'payment_method'
    db.create_tables([PaymentMethod])

    class PendingOrder(Model):
        code = TextField(primary_key=True)
        member = TextField(index=True)
        campaign = TextField()
        package = TextField()
        price = IntegerField()
        location = TextField(null=True)
        created_at = DateTimeField()
        expires_at = DateTimeField()
        device = TextField()
        class Meta:
            database = db
            legacy_table_names = False
            table_name = 'pending_order'
    db.create_tables([PendingOrder])

    class Purchase(Model):
        id = TextField(primary_key=True)
        member = TextField(index=True)
        campaign = TextField(index=True)
        package = TextField()
        price = IntegerField()
        payment = TextField()
        commission = IntegerField(default=0)
        channel = TextField()
        location = TextField(null=True)
        staff = TextField(null=True)
        at = DateTimeField()
        key = TextField(unique=True, null=True)
        receipt = TextField(null=True)
        device = TextField()
        class Meta:
            database = db
            legacy_table_names = False
            table_name = 'purchase'
    db.create_tables([Purchase])

    class ReceiptRefund(Model):
        id = TextField(primary_key=True)
        receipt = TextField(index=True)
        shift = TextField(index=True, null=True)
        amount = IntegerField()
        reason = TextField()
        staff = TextField()
        at = DateTimeField()
        device = TextField()
        class Meta:
            database = db
            legacy_table_names = False
            table_name = 'receipt_refund'
    db.create_tables([ReceiptRefund])

    class ReceiptRefundLine(Model):
        refund = ForeignKeyField(ReceiptRefund, on_delete='CASCADE')
        line_no = IntegerField()
        amount = IntegerField()
        purchase_refunds = TextField(null=True)
        class Meta:
            database = db
            legacy_table_names = False
            table_name = 'receipt_refund_line'
            indexes = ((('refund', 'line_no'), True),)
    db.create_tables([ReceiptRefundLine])

    class ReceiptRefundPayment(Model):
        refund = ForeignKeyField(ReceiptRefund, on_delete='CASCADE')
        position = IntegerField()
        method = TextField()
        amount = IntegerField()
        lot = TextField(null=True)
        class Meta:
            database = db
            legacy_table_names = False
            table_name = 'receipt_refund_payment'
            indexes = ((('refund', 'position'), True),)
    db.create_tables([ReceiptRefundPayment])

    class ReceiptVoid(Model):
        id = TextField(primary_key=True)
        shift = TextField(index=True, null=True)
        staff = TextField()
        location = TextField(null=True)
        lines = IntegerField()
        total = IntegerField()
        at = DateTimeField()
        device = TextField()
        class Meta:
            database = db
            legacy_table_names = False
            table_name = 'receipt_void'
    db.create_tables([ReceiptVoid])

    class Refund(Model):
        id = TextField(primary_key=True)
        purchase = TextField(unique=True)
        amount = IntegerField()
        method = TextField()
        reason = TextField()
        staff = TextField()
        at = DateTimeField()
        device = TextField()
        lot = TextField(null=True)
        class Meta:
            database = db
            legacy_table_names = False
            table_name = 'refund'
    db.create_tables([Refund])

    class Resource(Model):
        code = TextField(unique=True)
        deleted = BooleanField(default=False)
        version = TextField(null=True)
        name = TextField()
        price = IntegerField()
        device = TextField(default='any')
        class Meta:
            database = db
            legacy_table_names = False
            table_name = 'resource'
    db.create_tables([Resource])

    class Segment(Model):
        code = TextField(unique=True)
        deleted = BooleanField(default=False)
        version = TextField(null=True)
        name = TextField()
        class Meta:
            database = db
            legacy_table_names = False
            table_name = 'segment'
    db.create_tables([Segment])

    class SegmentMember(Model):
        segment = ForeignKeyField(Segment, on_delete='CASCADE')
        member = ForeignKeyField(Member, on_delete='CASCADE')
        class Meta:
            database = db
            legacy_table_names = False
            table_name = 'segment_member'
            indexes = ((('segment', 'member'), True),)
    db.create_tables([SegmentMember])

    class Setting(Model):
        key = TextField(unique=True)
        value = TextField()
        version = TextField(null=True)
        class Meta:
            database = db
            legacy_table_names = False
            table_name = 'setting'
    db.create_tables([Setting])

    class Shift(Model):
        id = TextField(primary_key=True)
        device = TextField(index=True)
        location = TextField(null=True)
        staff = TextField()
        opened_at = DateTimeField()
        opening_cash = IntegerField()
        class Meta:
            database = db
            legacy_table_names = False
            table_name = 'shift'
    db.create_tables([Shift])

    class ShiftClose(Model):
        shift = TextField(primary_key=True)
        staff = TextField()
        closed_at = DateTimeField()
        counted_cash = IntegerField()
        expected_cash = IntegerField()
        difference = IntegerField()
        device = TextField()
        class Meta:
            database = db
            legacy_table_names = False
            table_name = 'shift_close'
    db.create_tables([ShiftClose])

    class Site(Model):
        code = TextField(unique=True)
        name = TextField()
        currency = TextField(default='EUR')
        minor_digits = IntegerField(default=2)
        timezone = TextField(default='UTC')
        version = TextField(null=True)
        class Meta:
            database = db
            legacy_table_names = False
            table_name = 'site'
    db.create_tables([Site])

    class Staff(Model):
        code = TextField(unique=True)
        deleted = BooleanField(default=False)
        version = TextField(null=True)
        name = TextField()
        role = TextField()
        pin_hash = TextField(null=True)
        active = BooleanField(default=True)
        class Meta:
            database = db
            legacy_table_names = False
            table_name = 'staff'
    db.create_tables([Staff])

    class StaffLockout(Model):
        staff = TextField(null=True)
        location = TextField(null=True)
        at = DateTimeField()
        until = DateTimeField()
        class Meta:
            database = db
            legacy_table_names = False
            table_name = 'staff_lockout'
    db.create_tables([StaffLockout])

    class StaffLoginAttempt(Model):
        staff = TextField(index=True, null=True)
        location = TextField(index=True, null=True)
        ok = BooleanField()
        at = DateTimeField(index=True)
        class Meta:
            database = db
            legacy_table_names = False
            table_name = 'staff_login_attempt'
    db.create_tables([StaffLoginAttempt])

    class StrictGrant(Model):
        id = TextField(primary_key=True)
        op = TextField()
        subject = TextField(index=True)
        reference = TextField(null=True)
        amount = IntegerField(default=1)
        device = TextField()
        at = DateTimeField()
        settled = BooleanField(default=False)
        class Meta:
            database = db
            legacy_table_names = False
            table_name = 'strict_grant'
    db.create_tables([StrictGrant])

    class SyncDevice(Model):
        device = TextField(primary_key=True)
        role = TextField(null=True)
        public_key = TextField(null=True)
        kind = TextField(null=True)
        online = BooleanField(default=False)
        last_seen = DateTimeField(null=True)
        journal_seq = IntegerField(default=0)
        applied = TextField(default='{}')
        site_version = TextField(null=True)
        class Meta:
            database = db
            legacy_table_names = False
            table_name = 'sync_device'
    db.create_tables([SyncDevice])

    class SyncDrop(Model):
        reason = TextField(primary_key=True)
        count = IntegerField(default=0)
        last_at = DateTimeField(null=True)
        last_detail = TextField(null=True)
        class Meta:
            database = db
            legacy_table_names = False
            table_name = 'sync_drop'
    db.create_tables([SyncDrop])

    class SyncOrigin(Model):
        device = TextField(primary_key=True)
        applied_seq = IntegerField(default=0)
        class Meta:
            database = db
            legacy_table_names = False
            table_name = 'sync_origin'
    db.create_tables([SyncOrigin])

    class Tier(Model):
        campaign = ForeignKeyField(Campaign, on_delete='CASCADE')
        from_quantity = IntegerField(default=0)
        from_amount = IntegerField(default=0)
        value = TextField()
        usage = TextField(default='single')
        position = IntegerField(default=0)
        class Meta:
            database = db
            legacy_table_names = False
            table_name = 'tier'
    db.create_tables([Tier])

    class Trigger(Model):
        campaign = ForeignKeyField(Campaign, on_delete='CASCADE')
        kind = TextField()
        min_quantity = IntegerField(null=True)
        position = IntegerField(default=0)
        class Meta:
            database = db
            legacy_table_names = False
            table_name = 'trigger'
    db.create_tables([Trigger])

    class TriggerLine(Model):
        trigger = ForeignKeyField(Trigger, on_delete='CASCADE')
        type = TextField()
        code = TextField(null=True)
        quantity = IntegerField(default=1)
        position = IntegerField(default=0)
        class Meta:
            database = db
            legacy_table_names = False
            table_name = 'trigger_line'
    db.create_tables([TriggerLine])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('trigger_line'))
    migrator.migrate(migrator.drop_table('trigger'))
    migrator.migrate(migrator.drop_table('tier'))
    migrator.migrate(migrator.drop_table('sync_origin'))
    migrator.migrate(migrator.drop_table('sync_drop'))
    migrator.migrate(migrator.drop_table('sync_device'))
    migrator.migrate(migrator.drop_table('strict_grant'))
    migrator.migrate(migrator.drop_table('staff_login_attempt'))
    migrator.migrate(migrator.drop_table('staff_lockout'))
    migrator.migrate(migrator.drop_table('staff'))
    migrator.migrate(migrator.drop_table('site'))
    migrator.migrate(migrator.drop_table('shift_close'))
    migrator.migrate(migrator.drop_table('shift'))
    migrator.migrate(migrator.drop_table('setting'))
    migrator.migrate(migrator.drop_table('segment_member'))
    migrator.migrate(migrator.drop_table('segment'))
    migrator.migrate(migrator.drop_table('resource'))
    migrator.migrate(migrator.drop_table('refund'))
    migrator.migrate(migrator.drop_table('receipt_void'))
    migrator.migrate(migrator.drop_table('receipt_refund_payment'))
    migrator.migrate(migrator.drop_table('receipt_refund_line'))
    migrator.migrate(migrator.drop_table('receipt_refund'))
    migrator.migrate(migrator.drop_table('purchase'))
    migrator.migrate(migrator.drop_table('pending_order'))
    migrator.migrate(migrator.drop_table('payment_method'))
    migrator.migrate(migrator.drop_table('payment'))
    migrator.migrate(migrator.drop_table('package'))
    migrator.migrate(migrator.drop_table('order_completion'))
    migrator.migrate(migrator.drop_table('member'))
    migrator.migrate(migrator.drop_table('lot'))
    migrator.migrate(migrator.drop_table('login_lockout'))
    migrator.migrate(migrator.drop_table('login_attempt'))
    migrator.migrate(migrator.drop_table('location'))
    migrator.migrate(migrator.drop_table('local_state'))
    migrator.migrate(migrator.drop_table('line_reduction'))
    migrator.migrate(migrator.drop_table('receipt_line'))
    migrator.migrate(migrator.drop_table('receipt'))
    migrator.migrate(migrator.drop_table('item_barcode'))
    migrator.migrate(migrator.drop_table('item'))
    migrator.migrate(migrator.drop_table('vendor'))
    migrator.migrate(migrator.drop_table('free_line'))
    migrator.migrate(migrator.drop_table('event'))
    migrator.migrate(migrator.drop_table('entry_allocation'))
    migrator.migrate(migrator.drop_table('entry'))
    migrator.migrate(migrator.drop_table('debtor'))
    migrator.migrate(migrator.drop_table('coupon_redemption'))
    migrator.migrate(migrator.drop_table('coupon'))
    migrator.migrate(migrator.drop_table('counter'))
    migrator.migrate(migrator.drop_table('consumption'))
    migrator.migrate(migrator.drop_table('combination'))
    migrator.migrate(migrator.drop_table('category'))
    migrator.migrate(migrator.drop_table('campaign_filter'))
    migrator.migrate(migrator.drop_table('campaign'))
    migrator.migrate(migrator.drop_table('barcode_rule'))
