"""Client ids are tied to usernames (issue 14 item 8): a kiosk's credentials connecting with the
authority's client id no longer kick the authority off the broker, and a device's own asking
and publishing processes (a strict operation from the apps or the CLI, `playdesk push`) never
replace its sync process's connection, which is now the only one under the device's name.

Disconnects are counted in the sync processes' logs ("sync: disconnected", a warning): every
lost connection of a connected process writes one."""

from __future__ import annotations

import subprocess
import sys

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from sync_helpers import (
    ROOT,
    Broker,
    Device,
    provision,
    stop_all,
    using,
    wait_until,
    with_ask_accounts,
)
from test_sync_convergence import SITE_FILE, playdesk

from engine import journal
from engine.db import write

PASSWORDS = {"C1": "c1-password-0123456789", "C2": "c2-password-0123456789",
             "K1": "k1-password-0123456789", "OWNER": "owner-password-0123456"}
ASK = """
import datetime, sys
from engine.db import open_database
open_database(sys.argv[1])
from engine.sync.authority import decide
decision = decide("coupon.redeem", datetime.datetime(2026, 7, 3, 12), code="OPEN",
                  reference=sys.argv[2])
print(decision.allowed, decision.offline)
"""


def site(tmp_path):
    broker = Broker(tmp_path / "broker", passwords=with_ask_accounts(PASSWORDS), authority="C1",
                    ask_devices=tuple(PASSWORDS)).start()
    devices = provision(tmp_path, {"C1": "counter", "C2": "counter", "K1": "kiosk"})
    with using(devices[0].db), write():  # a coupon the authority allows again and again
        from engine.models import Coupon

        coupon = Coupon.create(code="OPEN", campaign="WELCOME", max_redemptions=0,
                               discount_type="reduce", value=500, origin="generated")
        journal.append_rows("coupons.generate", coupon)
    return broker, devices


def start(broker: Broker, *devices: Device) -> None:
    for device in devices:
        device.start_sync(broker, "--authority", "C1", password=PASSWORDS[device.name])
    for device in devices:
        wait_until(lambda d=device: d.sql("SELECT value FROM local_state WHERE key = "
                                          "'sync.online'") == [("true",)], 20, f"{device.name}")


def ask_all(device: Device, count: int) -> list[tuple[str, ...]]:
    """`count` processes of `device` asking the authority at once (as an app and the CLI do)."""
    runs = [subprocess.Popen([sys.executable, "-c", ASK, str(device.db), f"R{n}"], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for n in range(count)]
    outcomes = []
    for run in runs:
        out, err = run.communicate(timeout=60)
        assert run.returncode == 0, err
        outcomes.append(tuple(out.split()))
    return outcomes


def disconnects(device: Device) -> int:
    return device.log().count("sync: disconnected")


def connect_as(broker: Broker, user: str, client_id: str) -> tuple[mqtt.Client, list]:
    """A client with `user`'s credentials claiming `client_id`; its CONNACKs (it reconnects
    by itself when thrown off, as paho does)."""
    acks: list = []
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv5)
    client.username_pw_set(user, PASSWORDS[user])
    client.on_connect = lambda c, u, flags, reason, props: acks.append(reason.value)
    client.reconnect_delay_set(min_delay=1, max_delay=1)
    client.connect("127.0.0.1", broker.port)
    client.loop_start()
    return client, acks


def test_a_kiosk_claiming_the_authoritys_client_id_does_not_kick_it(tmp_path):
    broker, devices = site(tmp_path)
    authority, c2, _ = devices
    intruders = []
    try:
        start(broker, authority, c2)
        # the ids the authority's sync process had before (and its username, which it has now)
        for client_id in ["playdesk-DEMO-C1", "C1"] * 5:
            intruder, acks = connect_as(broker, "K1", client_id)
            intruders.append(intruder)
            wait_until(lambda a=acks: a, 10, "the intruder's CONNACK")
            assert acks[0] == 0  # the kiosk's password is right: it is let in, as K1
        assert ask_all(c2, 1) == [("True", "False")]  # the authority answers, online
        # they are all K1 now, replacing one another (paho reconnects each) -- never C1
        assert ask_all(c2, 1) == [("True", "False")]
        assert disconnects(authority) == 0, authority.log()
    finally:
        for intruder in intruders:
            intruder.loop_stop()
            intruder.disconnect()
        stop_all(devices)
        broker.kill()


def test_asking_and_pushing_from_a_device_leave_its_sync_process_connected(tmp_path):
    broker, devices = site(tmp_path)
    authority, c2, _ = devices
    try:
        start(broker, authority, c2)
        # three processes of C2 asking at once (they share C2.ask, one at a time), twice
        assert ask_all(c2, 3) == [("True", "False")] * 3
        assert ask_all(c2, 3) == [("True", "False")] * 3
        # the stored settings (as the sync process keeps them): no connection options needed
        pushed = playdesk(c2, "push", str(SITE_FILE))
        assert pushed["published"] is True
        wait_until(lambda: authority.applied("C2") == c2.journal_seq(), 20, "C2's push at C1")
        assert c2.journal_seq() >= 1
        assert ask_all(c2, 1) == [("True", "False")]
        assert (disconnects(c2), disconnects(authority)) == (0, 0), c2.log()
    finally:
        stop_all(devices)
        broker.kill()



def test_the_owners_device_list_is_published_by_its_running_sync_process(tmp_path):
    """`playdesk sync publish-list` on a device whose sync process runs hands the list to it
    (a connection of its own as the owner would replace the sync process's)."""
    import json

    from engine.sync import devicelist
    from engine.sync.keys import key_path, load_or_create

    broker = Broker(tmp_path / "broker", passwords=with_ask_accounts(PASSWORDS),
                    authority="C1", ask_devices=tuple(PASSWORDS)).start()
    devices = provision(tmp_path, {"C1": "counter", "OWNER": "owner"}, owner="OWNER")
    authority, owner = devices
    with using(owner.db):
        entries = devicelist.current()["devices"]
        newer = devicelist.build("DEMO", 2, entries, load_or_create(key_path(owner.db)))
    listed = tmp_path / "devices.json"
    listed.write_text(json.dumps(newer))
    try:
        start(broker, authority, owner)
        published = playdesk(owner, "sync", "publish-list", str(listed))
        assert published["published"] is True and published["version"] == 2
        wait_until(lambda: authority.sql("SELECT value FROM local_state WHERE key = "
                                         "'sync.device_list'")[0][0].count('"version": 2'),
                   20, "C1 to install version 2")
        assert owner.sql("SELECT COUNT(*) FROM local_state WHERE key = "
                         "'sync.devicelist.outgoing'") == [(0,)]
        assert (disconnects(owner), disconnects(authority)) == (0, 0), owner.log()
    finally:
        stop_all(devices)
        broker.kill()


def _certificates(directory, names: list[str]) -> None:
    """A CA, a server certificate for 127.0.0.1 and a client certificate per name (CN)."""
    import datetime as dt
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = dt.datetime.now(dt.UTC)

    def issue(cn: str, issuer_key, issuer_name, ca: bool = False, ip: bool = False):
        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
        builder = (x509.CertificateBuilder().subject_name(name)
                   .issuer_name(issuer_name or name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number())
                   .not_valid_before(now - dt.timedelta(days=1))
                   .not_valid_after(now + dt.timedelta(days=2))
                   .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
        if ip:
            builder = builder.add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        certificate = builder.sign(issuer_key or key, hashes.SHA256())
        (directory / f"{cn}.crt").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
        (directory / f"{cn}.key").write_bytes(key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption()))
        return key, name

    ca_key, ca_name = issue("ca", None, None, ca=True)
    issue("server", ca_key, ca_name, ip=True)
    for name in names:
        issue(name, ca_key, ca_name)


def test_with_client_certificates_the_ask_certificate_keeps_the_sync_connection(tmp_path):
    """Certificates name the account (use_identity_as_username): a strict operation from C2's
    CLI connects with C2.ask.crt, found beside C2.crt, and C2's sync process stays connected."""
    from engine.sync.brokerconfig import acl_text

    certs = tmp_path / "certs"
    certs.mkdir()
    _certificates(certs, ["C1", "C2", "C2.ask"])
    broker = Broker(tmp_path / "broker")
    config = broker.write_config()
    (tmp_path / "acl").write_text(acl_text("DEMO", "C1", devices=("C1", "C2")))
    config.write_text(config.read_text().replace(
        f"listener {broker.port} 127.0.0.1", f"listener {broker.port} 127.0.0.1\n"
        f"cafile {certs}/ca.crt\ncertfile {certs}/server.crt\nkeyfile {certs}/server.key\n"
        "require_certificate true\nuse_identity_as_username true").replace(
        "allow_anonymous true", f"allow_anonymous false\nacl_file {tmp_path}/acl\n"
                                "use_username_as_clientid true"))
    log = open(broker.directory / "mosquitto.log", "ab")  # noqa: SIM115 - closed below
    broker.process = subprocess.Popen(["/usr/sbin/mosquitto", "-c", str(config)], stdout=log,
                                      stderr=log)
    wait_until(broker._listening, 10, "mosquitto to listen")
    devices = provision(tmp_path, {"C1": "counter", "C2": "counter"})
    authority, c2 = devices
    with using(authority.db), write():
        from engine.models import Coupon

        journal.append_rows("coupons.generate", Coupon.create(
            code="OPEN", campaign="WELCOME", max_redemptions=0, discount_type="reduce",
            value=500, origin="generated"))
    try:
        for device in devices:
            device.start_sync(broker, "--authority", "C1", "--tls-ca", str(certs / "ca.crt"),
                              "--tls-cert", str(certs / f"{device.name}.crt"),
                              "--tls-key", str(certs / f"{device.name}.key"))
        for device in devices:
            wait_until(lambda d=device: d.sql("SELECT value FROM local_state WHERE key = "
                                              "'sync.online'") == [("true",)], 20, device.name)
        assert ask_all(c2, 2) == [("True", "False")] * 2
        assert (disconnects(c2), disconnects(authority)) == (0, 0), c2.log()
    finally:
        stop_all(devices)
        broker.kill()
        log.close()
