"""The broker connection options, shared by `playdesk-sync` and the `playdesk` sync commands.

Kept apart from the sync client so that registering the CLI does not import paho-mqtt.
"""

from __future__ import annotations

import argparse


def add_connection_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--broker", help="HOST:PORT of the site's Mosquitto")
    parser.add_argument("--site", help="site code (default: the loaded site)")
    parser.add_argument("--kind", choices=["counter", "kiosk", "owner"])
    parser.add_argument("--username")
    parser.add_argument("--password")
    parser.add_argument("--password-file")
    parser.add_argument("--tls-ca")
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--authority", help="device that serializes strict operations")
