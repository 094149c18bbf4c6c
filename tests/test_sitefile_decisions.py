"""Site file rules from pricing.md "Decisions (2026-12)" 1–3: `automatic` required on discount
campaigns, validity minimums only on receipt_discount/receipt_reduce, trigger lines need a code —
each a FILE:LINE error that says what to write, and an export that loads back."""

from __future__ import annotations

from test_sitefile_validation import loads, problems

from engine.models import Campaign
from engine.sitefile.export import export_site


def test_a_discount_campaign_without_automatic_is_refused_saying_what_to_write(db, tmp_path,
                                                                               clock):
    found = problems(tmp_path, clock, """\
        campaigns:
          - {code: A, type: line_discount, name: A, value: 5}
          - code: B
            type: m_for_n
            name: B
            buy: 3
            pay: 2
          - {code: C, type: receipt_reduce, name: C, value: 100, automatic: null}
        """)
    message = ("is required: write `automatic: true` (it applies by itself to every receipt it "
               "fits) or `automatic: false` (only when registered by campaign code, campaign "
               "barcode or coupon)")
    assert found == [f"2: campaigns[0].automatic: {message}",
                     f"3: campaigns[1].automatic: {message}",
                     f"8: campaigns[2].automatic: {message}"]


def test_every_discount_type_needs_automatic_but_couponing_and_category(demo_site, tmp_path, clock):
    found = problems(tmp_path, clock, """\
        campaigns:
          - {code: LD, type: line_discount, name: x, value: 5}
          - {code: LR, type: line_reduce, name: x, value: 5}
          - {code: RD, type: receipt_discount, name: x, value: 5}
          - {code: RR, type: receipt_reduce, name: x, value: 5}
          - {code: TD, type: tiered_discount, name: x, tiers: [{value: 5}]}
          - {code: TR, type: tiered_reduce, name: x, tiers: [{value: 5}]}
          - {code: MN, type: m_for_n, name: x, buy: 2, pay: 1}
          - {code: MP, type: m_plus_n, name: x, buy: 1, get: 1, free: [{type: item, code: COLA}]}
          - {code: CP, type: couponing, name: x}
          - {code: CAT, type: category, name: x}
          - {code: PK, type: packages, name: x}
        """)
    assert [line.split(":")[1].strip() for line in found] == [
        f"campaigns[{index}].automatic" for index in range(8)]


def test_validity_minimums_only_on_receipt_discount_and_reduce(demo_site, tmp_path, clock):
    found = problems(tmp_path, clock, """\
        campaigns:
          - {code: A, type: line_discount, automatic: true, name: A, value: 5,
             validity: {from_quantity: 3}}
          - {code: B, type: tiered_reduce, automatic: true, name: B, tiers: [{value: 5}],
             validity: {from_amount: 1000}}
          - {code: C, type: m_plus_n, automatic: true, name: C, buy: 1, get: 1,
             free: [{type: item, code: COLA}], validity: {from_amount: 500}}
          - {code: D, type: couponing, name: D, validity: {from_quantity: 2, from_amount: 9}}
        """)
    assert found == [
        "3: campaigns[0].validity.from_quantity: only receipt_discount and receipt_reduce have "
        "validity.from_quantity; remove it from this line_discount campaign: use a "
        "receipt_discount or receipt_reduce campaign, or a trigger (triggers.pool with "
        "min_quantity) for a minimum quantity",
        "5: campaigns[1].validity.from_amount: only receipt_discount and receipt_reduce have "
        "validity.from_amount; remove it from this tiered_reduce campaign: put the threshold in "
        "the tiers (tiers[].from_amount)",
        "7: campaigns[2].validity.from_amount: only receipt_discount and receipt_reduce have "
        "validity.from_amount; remove it from this m_plus_n campaign: use the campaign's own "
        "`from_amount` (beside buy and get)",
        "8: campaigns[3].validity.from_quantity: only receipt_discount and receipt_reduce have "
        "validity.from_quantity; remove it from this couponing campaign: use a receipt_discount "
        "or receipt_reduce campaign, or a trigger (triggers.pool with min_quantity) for a "
        "minimum quantity",
        "8: campaigns[3].validity.from_amount: only receipt_discount and receipt_reduce have "
        "validity.from_amount; remove it from this couponing campaign: use a receipt_discount or "
        "receipt_reduce campaign, or a trigger (triggers.pool with min_quantity) for a minimum "
        "quantity",
    ]


def test_validity_minimums_load_on_receipt_types_and_zero_means_none_elsewhere(db, tmp_path,
                                                                              clock):
    loads(tmp_path, clock, """\
        campaigns:
          - {code: R1, type: receipt_discount, automatic: true, name: R, value: 5,
             validity: {from_quantity: 3, from_amount: 1000}}
          - {code: R2, type: receipt_reduce, automatic: false, name: R, value: 50,
             validity: {from_amount: 2000}}
          - {code: L1, type: line_discount, automatic: true, name: L, value: 5,
             validity: {from_quantity: 0, from_amount: 0}}
        """)
    stored = {row.code: (row.from_quantity, row.from_amount, row.automatic)
              for row in Campaign.select().where(Campaign.code.in_(["R1", "R2", "L1"]))}
    assert stored == {"R1": (3, 1000, True), "R2": (0, 2000, False), "L1": (0, 0, True)}


def test_a_trigger_line_needs_a_code(demo_site, tmp_path, clock):
    found = problems(tmp_path, clock, """\
        campaigns:
          - {code: A, type: line_discount, automatic: true, name: A, value: 5,
             triggers: {pool: [{min_quantity: 2, lines: [{type: item_category}]}],
                        set: [{lines: [{type: item, code: COLA}, {type: resource}]}]}}
        """)
    message = ("needs a code: write `code: <the item, item_category, vendor or resource code the "
               "trigger counts>`")
    assert found == [f"3: campaigns[0].triggers.pool[0].lines[0].code: {message}",
                     f"4: campaigns[0].triggers.set[0].lines[1].code: {message}"]


def test_the_export_writes_automatic_even_when_it_is_the_default(db, tmp_path, clock):
    loads(tmp_path, clock, """\
        campaigns:
          - {code: AUTO, type: line_discount, automatic: true, name: Auto, value: 5}
          - {code: BYCODE, type: line_discount, automatic: false, name: By code, value: 5}
          - {code: CP, type: couponing, name: Coupons}
        """)
    exported = export_site()
    assert "automatic: true" in exported and "automatic: false" in exported
    again = tmp_path / "again.yaml"
    again.write_text(exported)
    from engine.sitefile import load_site_file

    assert load_site_file(again, at=clock.now())["changed"] is False
