"""The station pieces without processes: the liveness rule, the commands a change of view calls
for, signed messages and replays at the agent, the agent's configuration and its hooks (argv,
never a shell)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from engine.errors import PlaydeskError
from engine.stations import messages
from engine.stations.agentconfig import add_arguments, resolve
from engine.stations.hooks import Hooks
from engine.stations.liveness import Liveness
from engine.stations.view import View, commands
from engine.sync.keys import public_hex as public_of

T = dt.datetime(2026, 7, 3, 12, 0)
S = dt.timedelta(seconds=1)


def test_silence_counts_from_the_last_report_or_what_the_facts_prove():
    live = Liveness(timeout=120 * S, grace=60 * S, started=T)
    floor = T + 10 * S  # e.g. the boundary of the last charged minute
    assert not live.silent("PC01", floor, T + 59 * S)  # within the grace after a restart
    assert not live.silent("PC01", floor, T + 130 * S)  # 120 s after the floor: not more
    assert live.silent("PC01", floor, T + 131 * S)
    live.report("PC01", T + 100 * S)
    live.report("PC01", T + 90 * S)  # a late one never moves it back
    assert live.last_report("PC01", floor) == T + 100 * S
    assert not live.silent("PC01", floor, T + 220 * S) and live.silent("PC01", floor, T + 221 * S)
    assert live.back_after("PC01", T + 100 * S) is None  # the report the pause was made at
    live.report("PC01", T + 300 * S)
    assert live.back_after("PC01", T + 100 * S) == T + 300 * S


def test_a_change_of_view_says_what_happened():
    free = View()
    running = View("C1-S1", "M001", "running", "x", 1, 30)
    paused = View("C1-S1", "M001", "paused", "x", 3, 28, reason="station lost")
    warned = View("C1-S1", "M001", "running", "x", 25, 5, warning=True)
    assert [c["action"] for c in commands(free, running, None)] == ["start"]
    assert commands(running, paused, None) == [
        {"action": "pause", "session": "C1-S1", "reason": "station lost"}]
    assert [c["action"] for c in commands(paused, running, None)] == ["resume"]
    assert commands(running, warned, None)[-1]["text"] == "5 minutes left"
    assert commands(running, free, "no credit") == [
        {"action": "stop", "session": "C1-S1", "reason": "no credit"}]
    other = View("C1-S2", "M002", "running", "y", 1, 10)
    assert [c["action"] for c in commands(running, other, "staff")] == ["stop", "start"]
    assert commands(running, running, None) == []


def config(tmp_path, *extra: str):
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    (tmp_path / "none.toml").write_text("")
    return resolve(parser.parse_args(["--config", str(tmp_path / "none.toml"), "--site", "DEMO",
                                      "--station", "PC01", "--broker", "localhost:1",
                                      "--authority-key", "ab" * 32, *extra]))


def test_the_agent_refuses_a_configuration_it_cannot_trust(tmp_path):
    with pytest.raises(PlaydeskError, match="authority_key"):
        config(tmp_path, "--authority-key", "nope")
    with pytest.raises(PlaydeskError, match="must be a list of words"):
        config(tmp_path, "--hook", 'stop="loginctl lock-sessions; rm -rf /"')
    with pytest.raises(PlaydeskError, match="one of start"):
        config(tmp_path, "--hook", 'boot=["x"]')
    assert config(tmp_path, "--hook", 'stop=["/bin/true"]').hooks == {"stop": ["/bin/true"]}


def test_a_hook_is_an_argv_and_what_a_session_says_stays_in_its_environment(tmp_path):
    out = tmp_path / "out"
    script = ("import os, sys; open(sys.argv[1], 'w').write(repr(sys.argv[2:]) + ' ' "
              "+ os.environ['PLAYDESK_MEMBER'])")
    hooks = Hooks({"start": [sys.executable, "-c", script, str(out), "fixed"]})
    hooks.run("start", member="M001; touch /tmp/pwned $(reboot)")
    hooks.run("stop")  # no hook for it: nothing runs
    hooks.close()
    assert out.read_text() == "['fixed'] M001; touch /tmp/pwned $(reboot)"


def test_the_agent_drops_replays_forgeries_and_other_stations(tmp_path):
    from engine.stations.agent import Agent

    key = Ed25519PrivateKey.generate()
    agent = Agent(config(tmp_path, "--authority-key", public_of(key)))
    topic = "playdesk/DEMO/stations/PC01/command"
    start = messages.signed("command", "DEMO", "PC01",
                            {"action": "start", "session": "C1-S1", "member": "M001"}, key, "t")
    agent.on_message(topic, start)
    assert (agent.session, agent.phase) == ("C1-S1", "running")
    stop = messages.signed("command", "DEMO", "PC01", {"action": "stop", "session": "C1-S1"},
                           key, "t")
    for forged in (start,  # the same again: replayed
                   messages.signed("command", "DEMO", "PC02", {"action": "stop"}, key, "t"),
                   messages.signed("command", "OTHER", "PC01", {"action": "stop"}, key, "t"),
                   messages.signed("state", "DEMO", "PC01", {"state": "free"}, key, "t"),
                   messages.signed("command", "DEMO", "PC01", {"action": "stop"},
                                   Ed25519PrivateKey.generate(), "t"),
                   stop.replace(b'"stop"', b'"pause"')):
        agent.on_message(topic, forged)
    assert (agent.session, agent.phase) == ("C1-S1", "running")
    assert agent.dropped == {"replayed": 1, "other_station": 2, "wrong_kind": 1,
                             "bad_signature": 2}
    agent.on_message(topic, stop)
    assert (agent.session, agent.phase) == (None, "free")
    # a new connection starts over (the retained state first): a meter whose clock went back
    # is heard again
    agent.handle(("connected",))
    agent.on_message(topic, start)
    assert (agent.session, agent.phase) == ("C1-S1", "running")
    agent.hooks.close()
    assert time.time()
