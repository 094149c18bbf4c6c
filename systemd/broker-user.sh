#!/usr/bin/env bash
# Manage the devices' accounts on the site's broker (run on the counter that hosts Mosquitto;
# installed as /usr/local/sbin/playdesk-broker-user):
#
#   playdesk-broker-user new DEVICE       make a password for DEVICE, register it, print it once
#   playdesk-broker-user add DEVICE       register the password read from stdin (first line)
#   playdesk-broker-user check DEVICE     exit 0 when the password on stdin is DEVICE's
#   playdesk-broker-user remove DEVICE    delete DEVICE's account
#   playdesk-broker-user list             the registered devices
#
# Passwords are stored hashed by mosquitto_passwd in $PLAYDESK_BROKER_PASSWD
# (default /etc/mosquitto/playdesk.passwords); Mosquitto is reloaded to pick up a change.

set -euo pipefail

PASSWD_FILE=${PLAYDESK_BROKER_PASSWD:-/etc/mosquitto/playdesk.passwords}

die() {
    echo "playdesk-broker-user: error: $*" >&2
    exit 2
}

usage() {
    sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

read_password() {
    local password
    IFS= read -r password || true
    [ ${#password} -ge 16 ] || die "the password must have at least 16 characters"
    printf '%s' "$password"
}

reload_broker() {
    if command -v systemctl > /dev/null && systemctl is-active --quiet mosquitto.service 2> /dev/null; then
        systemctl reload-or-restart mosquitto.service
    fi
}

register() {
    local device=$1 password=$2
    mkdir -p "$(dirname -- "$PASSWD_FILE")"
    if [ ! -f "$PASSWD_FILE" ]; then
        install -m 0640 /dev/null "$PASSWD_FILE"
        getent group mosquitto > /dev/null && chgrp mosquitto "$PASSWD_FILE"
    fi
    mosquitto_passwd -b "$PASSWD_FILE" "$device" "$password"
    reload_broker
}

# Verify a password against its mosquitto_passwd hash ($7$: PBKDF2-SHA512, $6$: salted SHA512).
matches() {
    local device=$1 password=$2 line
    [ -f "$PASSWD_FILE" ] || return 1
    line=$(grep -m 1 "^$device:" "$PASSWD_FILE") || return 1
    PLAYDESK_HASH=${line#*:} PLAYDESK_PASSWORD=$password python3 -c '
import base64, hashlib, hmac, os, sys
parts = os.environ["PLAYDESK_HASH"].split("$")
password = os.environ["PLAYDESK_PASSWORD"].encode()
if parts[1] == "7":
    iterations, salt, expected = int(parts[2]), base64.b64decode(parts[3]), base64.b64decode(parts[4])
    actual = hashlib.pbkdf2_hmac("sha512", password, salt, iterations, len(expected))
elif parts[1] == "6":
    salt, expected = base64.b64decode(parts[2]), base64.b64decode(parts[3])
    actual = hashlib.sha512(password + salt).digest()
else:
    sys.exit(1)
sys.exit(0 if hmac.compare_digest(actual, expected) else 1)
'
}

main() {
    local command=${1-} device=${2-} password
    case $command in
        -h|--help|"") usage; exit 0 ;;
        list) [ -f "$PASSWD_FILE" ] && cut -d: -f1 "$PASSWD_FILE"; exit 0 ;;
    esac
    [[ $device =~ ^[A-Za-z0-9_.-]{1,40}$ ]] || die "a device name (A-Z a-z 0-9 _ - .) is required"
    case $command in
        new)
            password=$(head -c 512 /dev/urandom | LC_ALL=C tr -dc 'A-Za-z0-9')
            password=${password:0:32}
            register "$device" "$password"
            echo "$password"
            ;;
        add)
            password=$(read_password)
            register "$device" "$password"
            ;;
        check)
            password=$(read_password)
            matches "$device" "$password"
            ;;
        remove)
            [ -f "$PASSWD_FILE" ] && mosquitto_passwd -D "$PASSWD_FILE" "$device"
            reload_broker
            ;;
        *) die "unknown command: $command (see --help)" ;;
    esac
}

main "$@"
