"""`playdesk` site commands: exit codes, error contract, JSON shapes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from engine.cli import main
from engine.people.pins import verify_pin

DEMO_SITE = Path(__file__).parent / "data" / "site.yaml"
PLAYDESK = Path(sys.executable).parent / "playdesk"
AT = "2026-07-03T12:00"


def run(capsys, db_path: Path, *argv: str) -> tuple[int, object, str]:
    code = main(["--db", str(db_path), "--at", AT, *argv])
    out, err = capsys.readouterr()
    try:
        data = json.loads(out) if out.strip() else None
    except json.JSONDecodeError:
        data = out
    return code, data, err


@pytest.fixture
def loaded(db_path, capsys) -> Path:
    assert run(capsys, db_path, "load", str(DEMO_SITE))[0] == 0
    return db_path


def test_load_prints_the_summary_and_is_idempotent(db_path, capsys):
    code, data, _ = run(capsys, db_path, "load", str(DEMO_SITE))
    assert code == 0
    assert data["changed"] is True and data["event"]["seq"] == 1
    assert data["sections"]["campaigns"] == {"created": 10, "updated": 0, "deleted": 0, "unchanged": 0}
    code, data, _ = run(capsys, db_path, "load", str(DEMO_SITE))
    assert (code, data["changed"], data["event"]) == (0, False, None)


def test_load_dry_run_writes_nothing(db_path, capsys):
    code, data, _ = run(capsys, db_path, "load", "--dry-run", str(DEMO_SITE))
    assert (code, data["dry_run"], data["changed"]) == (0, True, True)
    code, data, _ = run(capsys, db_path, "campaigns")
    assert (code, data) == (0, [])


def test_a_bad_file_exits_2_listing_every_problem(db_path, capsys, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("items:\n  - {code: A, price: x}\n  - {code: B, name: B, price: 1, colour: red}\n")
    code, data, err = run(capsys, db_path, "load", str(bad))
    assert code == 2 and data is None
    assert err.splitlines() == [
        f"playdesk: error: {bad}:2: items[0].name: is required",
        f"{bad}:2: items[0].price: must be an integer",
        f"{bad}:3: items[1].colour: unknown key (expected one of code, name, names, price, category, "
        "vendor, barcodes, tax, deleted)",
    ]


def test_a_missing_file_exits_2(db_path, capsys, tmp_path):
    code, _, err = run(capsys, db_path, "load", str(tmp_path / "nope.yaml"))
    assert code == 2 and err.startswith("playdesk: error: cannot read site file")


def test_campaigns_lists_states(loaded, capsys):
    code, data, _ = run(capsys, loaded, "campaigns")
    assert code == 0
    by_code = {c["code"]: c for c in data}
    assert len(data) == 10
    for entry in data:
        assert {"code", "type", "name", "state", "active", "deleted"} <= set(entry)
    assert by_code["SUMMER"]["state"] == "active" and by_code["SUMMER"]["packages"] == 3
    assert by_code["HAPPY"]["priority"] == 1 and by_code["HAPPY"]["category"] == "HAPPYCAT"
    code, data, _ = run(capsys, loaded, "--at", "2026-09-01T00:00", "campaigns")
    assert {c["code"]: c["state"] for c in data}["SUMMER"] == "expired"


def test_campaign_activate_deactivate_delete(loaded, capsys):
    code, data, _ = run(capsys, loaded, "campaign", "deactivate", "HAPPY")
    assert code == 0
    assert (data["state"], data["active"], data["changed"]) == ("inactive", False, True)
    assert data["event"]["seq"] == 2
    code, data, _ = run(capsys, loaded, "campaign", "deactivate", "HAPPY")
    assert (code, data["changed"], data["event"]) == (0, False, None)
    code, data, _ = run(capsys, loaded, "campaign", "activate", "HAPPY")
    assert (code, data["state"]) == (0, "active")
    code, data, _ = run(capsys, loaded, "campaign", "delete", "STAFF10")
    assert (code, data["state"], data["deleted"]) == (0, "deleted", True)
    codes = [c["code"] for c in run(capsys, loaded, "campaigns")[1]]
    assert "STAFF10" not in codes
    every = {c["code"]: c for c in run(capsys, loaded, "campaigns", "--all")[1]}
    assert every["STAFF10"]["state"] == "deleted"
    code, _, err = run(capsys, loaded, "campaign", "activate", "STAFF10")
    assert code == 2 and "deleted" in err


def test_campaign_events_carry_the_new_state(loaded, capsys):
    from engine.db import open_database
    from engine.models import Event

    run(capsys, loaded, "campaign", "deactivate", "BIGSPEND")
    open_database(loaded)
    event = Event.select().order_by(Event.id.desc()).first()
    payload = json.loads(event.payload)
    assert event.type == "definitions"
    assert [(c["code"], c["active"]) for c in payload["document"]["campaigns"]] == [("BIGSPEND", False)]
    assert payload["document"]["campaigns"][0]["tiers"][1] == {
        "from_quantity": 0, "from_amount": 4000, "value": 300, "usage": "single"}


def test_unknown_campaign_exits_2(loaded, capsys):
    code, _, err = run(capsys, loaded, "campaign", "delete", "NOPE")
    assert code == 2 and err == "playdesk: error: unknown campaign 'NOPE'\n"


def test_export_is_a_site_file_that_loads_back(loaded, capsys, tmp_path):
    code = main(["--db", str(loaded), "export"])
    exported = capsys.readouterr().out
    assert code == 0 and exported.startswith("site: {code: DEMO")
    path = tmp_path / "export.yaml"
    path.write_text(exported)
    code, data, _ = run(capsys, tmp_path / "fresh.db", "load", str(path))
    assert code == 0 and data["sections"]["items"]["created"] == 7
    main(["--db", str(tmp_path / "fresh.db"), "export"])
    assert capsys.readouterr().out == exported


def test_hash_pin_reads_stdin(capsys, monkeypatch):
    import io

    monkeypatch.setattr(sys, "stdin", io.StringIO("2468\n"))
    assert main(["hash-pin"]) == 0
    assert verify_pin("2468", json.loads(capsys.readouterr().out)["pin_hash"])


def test_as_a_process_errors_have_no_traceback(tmp_path):
    db = str(tmp_path / "p.db")
    ok = subprocess.run([str(PLAYDESK), "--db", db, "load", str(DEMO_SITE)], capture_output=True,
                        text=True)
    assert ok.returncode == 0 and json.loads(ok.stdout)["changed"] is True
    bad = subprocess.run([str(PLAYDESK), "--db", db, "campaign", "activate", "NOPE"],
                         capture_output=True, text=True)
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr == "playdesk: error: unknown campaign 'NOPE'\n"
    pin = subprocess.run([str(PLAYDESK), "hash-pin"], input="12\n", capture_output=True, text=True)
    assert pin.returncode == 2 and pin.stderr == "playdesk: error: a PIN is 4 to 8 digits\n"
    listed = subprocess.run([str(PLAYDESK), "--db", db, "--at", AT, "campaigns"],
                            capture_output=True, text=True)
    assert listed.returncode == 0 and len(json.loads(listed.stdout)) == 10
