"""A full disk under the database: `checkout`, `buy`, `consume` and `load` exit 2 with "storage
full", and nothing is half-written.

Runs on a real full filesystem: a small tmpfs (or, where tmpfs cannot be mounted, an ext4 loop
file), mounted and removed by the test. Mounting needs root; if neither can be mounted the test
fails loudly — a skipped full-disk test proves nothing.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from test_bad_input import DATA, EXTRA_SITE, changed_tables, dump, run

AT = "2026-07-03T12:00"


def _mount(point: Path, image: Path) -> None:
    point.mkdir()
    tmpfs = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(point)],
                           capture_output=True, text=True)
    if tmpfs.returncode == 0:
        return
    subprocess.run(["truncate", "-s", "16M", str(image)], check=True)
    subprocess.run(["mkfs.ext4", "-q", "-F", str(image)], check=True, capture_output=True)
    loop = subprocess.run(["mount", "-o", "loop", str(image), str(point)], capture_output=True,
                          text=True)
    if loop.returncode != 0:
        pytest.fail(f"cannot mount a small filesystem for the full-disk test (tmpfs: "
                    f"{tmpfs.stderr.strip()}; loop file: {loop.stderr.strip()}); run as root")


@pytest.fixture
def full_disk(tmp_path):
    """A database on a filesystem that is then filled to the last block."""
    point = tmp_path / "small"
    _mount(point, tmp_path / "small.img")
    try:
        db = point / "playdesk.db"
        (tmp_path / "extra.yaml").write_text(EXTRA_SITE)
        for argv in (("load", str(DATA / "site.yaml")), ("load", str(tmp_path / "extra.yaml")),
                     ("lot", "add", "--member", "M001", "--kind", "money", "--type", "manual",
                      "--amount", "10000", "--comment", "float", "--staff", "MGR")):
            code, _, err = run("--db", str(db), "--at", AT, *argv)
            assert code == 0, err
        keep = sqlite3.connect(db)  # holds the WAL open, as a running app does
        keep.execute("SELECT COUNT(*) FROM receipt").fetchall()
        filler = os.open(point / "filler", os.O_WRONLY | os.O_CREAT)
        try:
            for size in (1 << 20, 4096, 512, 1):  # to the last byte
                try:
                    while True:
                        os.write(filler, b"\0" * size)
                except OSError:
                    pass
        finally:
            os.close(filler)
        yield db
        keep.close()
    finally:
        subprocess.run(["umount", "-l", str(point)], check=False)
        shutil.rmtree(point, ignore_errors=True)


def test_a_full_disk_is_storage_full_and_writes_nothing(full_disk, tmp_path):
    receipt = tmp_path / "receipt.yaml"
    receipt.write_text("location: COUNTER1\nlines: [{item: COLA, quantity: 40}]\n"
                       "payments: [{method: cash}]\n")
    site = tmp_path / "site.yaml"
    site.write_text("items: [" + ", ".join(f"{{code: X{i}, name: Item {i} {'x' * 200}, "
                                            f"price: {i}, tax: A}}" for i in range(2000)) + "]\n")
    before = dump(full_disk)
    assert os.statvfs(full_disk.parent).f_bavail == 0
    for argv in (("checkout", str(receipt)),
                 ("buy", "--member", "M002", "--package", "SUMMER/BASIC", "--pay", "cash"),
                 ("consume", "--member", "M001", "--kind", "money", "--amount", "500",
                  "--device", "pc"),
                 ("load", str(site))):
        code, out, err = run("--db", str(full_disk), "--at", AT, *argv)
        assert "Traceback" not in err, (argv, err)
        assert (code, out) == (2, ""), (argv, code, err)
        assert err.startswith("playdesk: error: storage full"), (argv, err)
    assert changed_tables(before, dump(full_disk)) == []


def test_storage_full_is_a_playdesk_error_the_apps_show():
    from engine.errors import PlaydeskError, StorageFull

    assert issubclass(StorageFull, PlaydeskError)
