"""Site file validation: every kind of problem, reported all at once as FILE:LINE: path: message."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from engine.errors import PlaydeskError
from engine.people.pins import hash_pin
from engine.sitefile import load_site_file


def problems(tmp_path: Path, clock, text: str) -> list[str]:
    """Load `text` as site.yaml; the problems it is rejected with, without the file name."""
    path = tmp_path / "site.yaml"
    path.write_text(textwrap.dedent(text))
    with pytest.raises(PlaydeskError) as error:
        load_site_file(path, at=clock.now())
    lines = str(error.value).splitlines()
    assert all(line.startswith(f"{path}:") for line in lines), lines
    return [line[len(str(path)) + 1:] for line in lines]


def loads(tmp_path: Path, clock, text: str) -> dict:
    path = tmp_path / "site.yaml"
    path.write_text(textwrap.dedent(text))
    return load_site_file(path, at=clock.now())


def test_the_spec_example_message(db, tmp_path, clock):
    found = problems(tmp_path, clock, """\
        campaigns:
          - code: SUMMER
            type: packages
            name: Summer
            packages:
              - {code: BASIC, name: Basic, package_type: minutes, base: 60, bonus_type: hours, price: 500}
        """)
    assert found == ["6: campaigns[0].packages[0].bonus_type: must be one of none, minutes, money"]


def test_unknown_keys_and_sections(db, tmp_path, clock):
    found = problems(tmp_path, clock, """\
        categories:
          - {code: DRINKS, name: Drinks, colour: red}
        itemz: []
        settings: {consumption_order: expiry_first, idle: 5, offline_policy: maybe}
        """)
    assert found[0].startswith("2: categories[0].colour: unknown key")
    assert found[1].startswith("3: itemz: unknown section")
    assert found[2].startswith("4: settings.idle: unknown setting")
    assert found[3] == "4: settings.offline_policy: must be allow, deny, or a mapping of operation to allow/deny"


def test_wrong_types_missing_fields_and_every_problem_listed(db, tmp_path, clock):
    found = problems(tmp_path, clock, """\
        items:
          - code: COLA
            price: "250"
          - {code: CHIPS, name: Chips, price: -5}
          - {code: BAR, name: Bar, price: 1.5}
        resources:
          - {code: PC, name: PC, price: 100, device: laptop}
        """)
    assert found == [
        "2: items[0].name: is required",
        "3: items[0].price: must be an integer",
        "4: items[1].price: must be at least 0",
        "5: items[2].price: must be an integer",
        "7: resources[0].device: must be one of pc, console, any",
    ]


def test_code_syntax(db, tmp_path, clock):
    found = problems(tmp_path, clock, """\
        categories:
          - {code: "NO SPACES", name: A}
          - {code: 42, name: B}
          - {code: "", name: C}
          - {code: AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA, name: D}
          - {code: "ok_.-Z9", name: E}
        """)
    assert [line.split(":")[0] for line in found] == ["2", "3", "4", "5"]
    assert "not a valid code" in found[0] and "must be a string code" in found[1]


def test_duplicate_codes_and_yaml_keys(db, tmp_path, clock):
    found = problems(tmp_path, clock, """\
        categories:
          - {code: DRINKS, name: Drinks}
          - {code: DRINKS, name: Drinks again}
        vendors:
          - code: V1
            name: One
            name: Two
        """)
    assert found[0].startswith("3: categories[1].code: 'DRINKS' is listed twice")
    assert found[1] == "7: vendors[0].name: duplicate key"


def test_references_to_the_file_and_the_database(demo_site, tmp_path, clock):
    found = problems(tmp_path, clock, """\
        items:
          - {code: TEA, name: Tea, price: 200, category: HOTDRINKS, tax: A}
          - {code: NUTS, name: Nuts, price: 200, category: SNACKS, vendor: NOBODY, tax: B}
        members:
          - {code: M9, name: Nine, debtor: SCHOOL9}
        segments:
          - {code: KIDS, name: Kids, members: [M001, M404]}
        campaigns:
          - {code: X1, type: line_discount, automatic: true, name: X, value: 5, category: HAPPY,
             filters: [{type: item, code: NOPE}]}
          - {code: X2, type: m_plus_n, automatic: true, name: Y, buy: 1, get: 1, category: CAT9,
             free: [{type: resource, code: XBOX}]}
        combinations:
          - [HAPPY, GHOST]
        coupons:
          - {code: C1, campaign: NOCAMP, sales_type: contact, sales_code: M404}
        """)
    assert found == [
        "2: items[0].category: unknown category 'HOTDRINKS'",
        "3: items[1].vendor: unknown vendor 'NOBODY'",
        "5: members[0].debtor: unknown debtor 'SCHOOL9'",
        "7: segments[0].members[1]: unknown member 'M404'",
        "9: campaigns[0].category: 'HAPPY' is a line_discount campaign, not a campaign of type category",
        "10: campaigns[0].filters[0].code: unknown item 'NOPE'",
        "11: campaigns[1].category: unknown campaign 'CAT9'",
        "12: campaigns[1].free[0].code: unknown resource 'XBOX'",
        "14: combinations[0][1]: unknown campaign 'GHOST'",
        "16: coupons[0].campaign: unknown campaign 'NOCAMP'",
        "16: coupons[0].sales_code: unknown member 'M404'",
    ]


def test_references_may_point_forward_in_the_same_file(db, tmp_path, clock):
    summary = loads(tmp_path, clock, """\
        campaigns:
          - {code: D1, type: line_discount, automatic: true, name: D, value: 5, category: CAT}
          - {code: CAT, type: category, name: Category}
        combinations: [[D1, CAT]]
        items: [{code: A, name: A, price: 1, category: FOOD}]
        categories: [{code: FOOD, name: Food}]
        """)
    assert summary["sections"]["campaigns"]["created"] == 2


def test_package_bonus_rules(db, tmp_path, clock):
    found = problems(tmp_path, clock, """\
        campaigns:
          - code: P
            type: packages
            name: P
            packages:
              - {code: A, name: A, package_type: minutes, base: 60, bonus_type: none, bonus: 10, price: 1}
              - {code: B, name: B, package_type: minutes, base: 60, bonus_type: money, price: 1}
              - {code: C, name: C, package_type: money, base: 0, bonus_type: money, bonus: 0, price: 1}
              - {code: A, name: D, package_type: minutes, base: 1, price: 1, weekdays: [sat, sunday]}
        """)
    assert found == [
        "6: campaigns[0].packages[0].bonus: must be absent when bonus_type is none",
        "7: campaigns[0].packages[1].bonus: is required (> 0) when bonus_type is not none",
        "8: campaigns[0].packages[2].base: must be at least 1",
        "8: campaigns[0].packages[2].bonus: must be at least 1",
        "9: campaigns[0].packages[3].weekdays: 'sunday' is not a weekday (mon, tue, wed, thu, fri, sat, sun)",
        "9: campaigns[0].packages[3].code: 'A' is listed twice",
    ]


def test_tiers_ascending_with_one_usage(db, tmp_path, clock):
    found = problems(tmp_path, clock, """\
        campaigns:
          - code: T
            type: tiered_discount
            automatic: true
            name: T
            tiers:
              - {from_quantity: 5, value: 10, usage: single}
              - {from_quantity: 3, value: 150, usage: multiple}
          - {code: U, type: tiered_reduce, automatic: true, name: U, tiers: []}
        """)
    assert found == [
        "6: campaigns[0].tiers: every tier must have the same usage (found multiple, single)",
        "8: campaigns[0].tiers[1].value: must be between 0 and 100",
        "8: campaigns[0].tiers[1].from_quantity: tiers must be ascending: 3 is below the previous tier's 5",
        "9: campaigns[1].tiers: must list at least one tier",
    ]


def test_m_for_n_needs_m_greater_than_n(db, tmp_path, clock):
    found = problems(tmp_path, clock, """\
        campaigns:
          - {code: A, type: m_for_n, automatic: true, name: A, buy: 2, pay: 2}
          - {code: B, type: m_for_n, automatic: true, name: B, buy: 3, pay: -1}
          - {code: C, type: m_for_n, automatic: true, name: C, buy: 3, pay: 0, usage: sometimes}
        """)
    assert found == [
        "2: campaigns[0].pay: must be less than buy (M for N needs M > N >= 0)",
        "3: campaigns[1].pay: must be at least 0",
        "4: campaigns[2].usage: must be one of single, multiple",
    ]


def test_type_specific_fields(db, tmp_path, clock):
    found = problems(tmp_path, clock, """\
        campaigns:
          - {code: A, type: couponing, name: A, value: 5}
          - {code: B, type: category, name: B, automatic: false}
          - {code: C, type: line_discount, automatic: true, name: C}
          - {code: D, type: receipt_reduce, automatic: true, name: D, value: 2.5}
          - {code: E, type: raffle, name: E}
          - {code: F, type: packages, name: F, priority: 3}
        """)
    assert found[0].startswith("2: campaigns[0].value: unknown key")
    assert found[1].startswith("3: campaigns[1].automatic: unknown key")
    assert found[2] == "4: campaigns[2].value: is required"
    assert found[3] == "5: campaigns[3].value: must be an integer"
    assert found[4].startswith("6: campaigns[4].type: must be one of packages, line_discount")
    assert found[5].startswith("7: campaigns[5].priority: unknown key")


def test_dates_times_weekdays_percentages(db, tmp_path, clock):
    found = problems(tmp_path, clock, """\
        payment_methods:
          - {code: card, commission_percent: 101}
        campaigns:
          - code: A
            type: line_discount
            automatic: true
            name: A
            value: 12.5
            validity: {from_date: 2026-02-30, to_date: 2026-01-01, from_time: "25:00", to_time: "18:00",
                       weekdays: [monday]}
          - {code: B, type: packages, name: B, starts_at: "next week", expires_at: 2026-01-01T00:00+02:00}
          - {code: C, type: receipt_reduce, automatic: true, name: C, value: 100, coupon_issue: {active: true, expiration: "+3X"}}
        """)
    assert found == [
        "2: payment_methods[0].commission_percent: must be between 0 and 100",
        "9: campaigns[0].validity.from_date: must be a date YYYY-MM-DD",
        '9: campaigns[0].validity.from_time: must be a time "HH:MM" (quote it)',
        "10: campaigns[0].validity.weekdays: 'monday' is not a weekday (mon, tue, wed, thu, fri, sat, sun)",
        "11: campaigns[1].starts_at: must be a datetime YYYY-MM-DDTHH:MM",
        "11: campaigns[1].expires_at: must be a datetime without time zone (site time)",
        '12: campaigns[2].coupon_issue.expiration: must be a date formula (e.g. "+3M", "CM", "+1M-CM") or a date',
    ]


def test_unquoted_times_and_exact_percentages_are_read_right(db, tmp_path, clock):
    from engine.models import Campaign, PaymentMethod

    loads(tmp_path, clock, """\
        payment_methods: [{code: card, commission_percent: 1.15}]
        campaigns:
          - {code: A, type: line_discount, automatic: true, name: A, value: 12.5, validity: {from_time: 16:00, to_time: 18:30}}
        """)
    campaign = Campaign.select().where(Campaign.code == "A").first()
    assert (campaign.from_time, campaign.to_time) == ("16:00", "18:30")
    assert str(campaign.value) == "12.5"
    assert str(PaymentMethod.select().first().commission_percent) == "1.15"


def test_pins_only_as_hashes_and_unique_cards(demo_site, tmp_path, clock):
    good = hash_pin("4321")
    found = problems(tmp_path, clock, f"""\
        members:
          - {{code: M7, name: Seven, pin_hash: "1234"}}
          - {{code: M8, name: Eight, pin_hash: "{good}", card: MEM0001}}
          - {{code: M9, name: Nine, card: X1}}
          - {{code: M10, name: Ten, card: X1}}
        staff:
          - {{code: S1, name: Sam, role: boss}}
        """)
    assert found == [
        "2: members[0].pin_hash: must be a hash from `playdesk hash-pin` (never a plain PIN)",
        "3: members[1].card: card 'MEM0001' belongs to member 'M001'",
        "4: members[2].card: card 'X1' is given to more than one member",
        "5: members[3].card: card 'X1' is given to more than one member",
        "7: staff[0].role: must be one of cashier, manager, owner",
    ]


def test_item_barcodes_are_unique(demo_site, tmp_path, clock):
    found = problems(tmp_path, clock, """\
        items:
          - {code: NEW, name: New, price: 1, barcodes: ["4006381333931", "123"], tax: A}
          - {code: NEW2, name: New2, price: 1, barcodes: ["123"], tax: A}
          - {code: NEW3, name: New3, price: 1, barcodes: [4006381333955], tax: A}
        """)
    assert found == [
        "2: items[0].barcodes[0]: barcode '4006381333931' belongs to item 'COLA'",
        "2: items[0].barcodes[1]: barcode '123' is on more than one item",
        "3: items[1].barcodes[0]: barcode '123' is on more than one item",
        "4: items[2].barcodes: must be a list of strings (quote numbers)",
    ]


def test_yaml_syntax_error_names_the_line(db, tmp_path, clock):
    path = tmp_path / "broken.yaml"
    path.write_text("items:\n  - {code: A, name: [unclosed\n")
    with pytest.raises(PlaydeskError, match=rf"^{path}:3: not valid YAML"):
        load_site_file(path, at=clock.now())


def test_the_top_level_must_be_a_mapping(db, tmp_path, clock):
    assert problems(tmp_path, clock, "- just\n- a list\n") == [
        "1: (top level): a site file is a mapping of sections (site, items, campaigns, ...)"]
