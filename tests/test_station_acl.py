"""The broker ACL of play stations (engine.stations.brokeracl) on a real Mosquitto: a station's
account publishes only its own `request` and `heartbeat` and reads only its own `state` and
`command`; only the authority's meter account writes stations' state and commands. As in
test_sync_acl, a refused publish is seen in its PUBACK, and that nothing else arrived is known
once a permitted sentinel, published after it by the same client, has arrived."""

from __future__ import annotations

import subprocess
import sys

from sync_helpers import ROOT
from test_station_harness import (
    DEVICE,
    DEVICE_PASSWORD,
    STATION_PASSWORDS,
    station_broker,
)
from test_sync_acl import PREFIX, SENTINEL, Session

from engine.stations.brokeracl import meter_password, station_acl_text


def sessions(broker, *accounts: tuple[str, str]) -> list[Session]:
    opened = [Session(broker, user, password) for user, password in accounts]
    assert [s.connected() for s in opened] == ["Success"] * len(opened)
    return opened


def test_a_station_publishes_only_its_own_request_and_heartbeat(tmp_path):
    broker = station_broker(tmp_path)
    listener, station = sessions(broker, (DEVICE, DEVICE_PASSWORD),
                                 ("PC01.station", STATION_PASSWORDS["PC01"]))
    forbidden = ["stations/PC02/request", "stations/PC02/heartbeat", "stations/PC01/state",
                 "stations/PC01/command", "stations/PC02/command", "journal/PC01.station",
                 "journal/C1", "devices/PC01.station", "resend/C1", "authority/request",
                 "authority/response/PC01.station", "devicelist"]
    permitted = ["stations/PC01/request", "stations/PC01/heartbeat"]
    try:
        listener.subscribe("#")
        answers = {topic: station.publish(topic, topic.encode()) for topic in forbidden + permitted}
        assert answers == {**dict.fromkeys(forbidden, "Not authorized"),
                           **dict.fromkeys(permitted, "Success")}
        assert station.publish("stations/PC01/heartbeat", SENTINEL) == "Success"
        assert listener.receive_sentinel() == [
            *((PREFIX + topic, topic.encode()) for topic in permitted),
            (PREFIX + "stations/PC01/heartbeat", SENTINEL)]
    finally:
        for session in (listener, station):
            session.close()
        broker.kill()


def test_a_station_reads_only_its_own_state_and_commands(tmp_path):
    broker = station_broker(tmp_path)
    meter, station, device = sessions(
        broker, ("C1.meter", meter_password(DEVICE_PASSWORD)),
        ("PC01.station", STATION_PASSWORDS["PC01"]), (DEVICE, DEVICE_PASSWORD))
    try:
        station.subscribe("#")
        assert meter.publish("stations/PC02/state", b"PC02's") == "Success"
        assert meter.publish("stations/PC02/command", b"PC02's") == "Success"
        assert device.publish("journal/C1", b"member data") == "Success"
        assert device.publish("devices/C1", b"presence") == "Success"
        assert meter.publish("stations/PC01/state", b"own state") == "Success"
        assert meter.publish("stations/PC01/command", SENTINEL) == "Success"
        assert station.receive_sentinel() == [(PREFIX + "stations/PC01/state", b"own state"),
                                              (PREFIX + "stations/PC01/command", SENTINEL)]
    finally:
        for session in (meter, station, device):
            session.close()
        broker.kill()


def test_only_the_authoritys_meter_writes_state_and_commands(tmp_path):
    broker = station_broker(tmp_path)
    meter, kiosk, device = sessions(
        broker, ("C1.meter", meter_password(DEVICE_PASSWORD)),
        ("K1", "k1-device-secret-0123"), (DEVICE, DEVICE_PASSWORD))
    listener = kiosk  # a device reads the whole site (and one login connects once)
    try:
        listener.subscribe("stations/#", "journal/#")
        for sender in (kiosk, device):  # the device's own (sync) account neither
            assert sender.publish("stations/PC01/command", b"forged") == "Not authorized"
            assert sender.publish("stations/PC01/state", b"forged") == "Not authorized"
        # the meter account writes nothing of sync's
        assert meter.publish("journal/C1", b"x") == "Not authorized"
        assert meter.publish("journal/C1.meter", b"x") == "Not authorized"
        assert meter.publish("authority/request", b"x") == "Not authorized"
        assert meter.publish("stations/PC01/command", SENTINEL) == "Success"
        assert listener.receive_sentinel() == [(PREFIX + "stations/PC01/command", SENTINEL)]
    finally:
        for session in (meter, kiosk, device):
            session.close()
        broker.kill()


def test_the_sections_are_generated_from_the_registered_accounts():
    """What install.sh and playdesk-broker-user append: one section per `.station` account,
    the meter's for the authority (run as a module with the system's python3: stdlib only)."""
    text = subprocess.run(
        ["python3", "-m", "engine.stations.brokeracl", "DEMO", "C1", "C1", "C1.ask", "K1",
         "PC01.station", "PC02.station"], cwd=ROOT, capture_output=True, text=True,
        check=True).stdout
    assert text == station_acl_text("DEMO", "C1", ["PC01", "PC02"], ["C1", "C1.ask", "K1"])
    assert "user PC01.station\n" in text and "topic deny playdesk/DEMO/stations/PC02/#" in text
    assert "user C1.meter\n" in text and "user K1.meter\n" in text
    assert text.count("topic write playdesk/DEMO/stations/+/command") == 1
    assert sys.executable  # the engine's own python sees the same text (imported above)
