"""The sync process's connection settings: arguments first, else what the last run stored."""

from __future__ import annotations

import argparse

from engine.db import write
from engine.sync.config import resolve_config, store_config
from engine.sync.options import add_connection_arguments


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_connection_arguments(parser)
    return parser.parse_args(list(argv))


def test_the_authority_is_kept_unless_an_empty_one_clears_it(db):
    with write():
        store_config(resolve_config(parse("--broker", "127.0.0.1:1883", "--site", "DEMO",
                                          "--authority", "COUNTER1")))
    assert resolve_config(parse()).authority == "COUNTER1"
    assert resolve_config(parse("--authority", "COUNTER2")).authority == "COUNTER2"
    assert resolve_config(parse("--authority", "")).authority is None
