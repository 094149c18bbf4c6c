#!/usr/bin/env bash
# Manage the devices' accounts on the site's broker (run on the counter that hosts Mosquitto;
# installed as /usr/local/sbin/playdesk-broker-user):
#
#   playdesk-broker-user new DEVICE       make a password for DEVICE, register it, print it once
#   playdesk-broker-user add DEVICE       register the password read from stdin (first line)
#   playdesk-broker-user check DEVICE     exit 0 when the password on stdin is DEVICE's
#   playdesk-broker-user remove DEVICE    delete DEVICE's account
#   playdesk-broker-user list             the registered devices
#   playdesk-broker-user meter DEVICE     register DEVICE.meter (the authority's meter service)
#                                         from DEVICE's password on stdin; check-meter checks it
#   playdesk-broker-user new-station PC01 make a station agent's account PC01.station, print it
#   playdesk-broker-user add-station PC01 register PC01.station with the password on stdin
#   playdesk-broker-user remove-station PC01, stations (the registered stations)
#
# Each device has two accounts: DEVICE (its sync process, the only connection under that name:
# the broker ties client ids to usernames) and DEVICE.ask (its apps and CLI asking the
# authority), whose password is derived from DEVICE's (engine.sync.brokerconfig.ask_password),
# so one password is handed to a device. Passwords are stored hashed by mosquitto_passwd in
# $PLAYDESK_BROKER_PASSWD (default /etc/mosquitto/playdesk.passwords); the site's ACL (with a
# section per ask account) is regenerated when this counter has playdesk installed; Mosquitto
# is reloaded to pick up a change. A station agent's account (PC01.station) and the authority's
# meter account (DEVICE.meter, password derived as engine.stations.brokeracl.meter_password)
# get their own ACL sections (engine.stations.brokeracl): a station publishes only its own
# request and heartbeat and reads only its own state and command.

set -euo pipefail

PASSWD_FILE=${PLAYDESK_BROKER_PASSWD:-/etc/mosquitto/playdesk.passwords}
ACL_FILE=${PLAYDESK_BROKER_ACL:-/etc/mosquitto/playdesk.acl}
SYNC_ENV=${PLAYDESK_SYNC_ENV:-/etc/playdesk/sync.env}
PLAYDESK_PYTHON=${PLAYDESK_PYTHON:-/opt/playdesk/current/bin/python}
ASK_SUFFIX=.ask
METER_SUFFIX=.meter
STATION_SUFFIX=.station

die() {
    echo "playdesk-broker-user: error: $*" >&2
    exit 2
}

usage() {
    sed -n '2,27p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
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

# The DEVICE.ask account's password (as engine.sync.brokerconfig.ask_password).
ask_password() {
    PLAYDESK_PASSWORD=$1 python3 -c '
import hashlib, hmac, os
print(hmac.new(os.environ["PLAYDESK_PASSWORD"].encode(), b"playdesk broker account .ask",
               hashlib.sha256).hexdigest()[:32])'
}

# The DEVICE.meter account's password (as engine.stations.brokeracl.meter_password).
meter_password() {
    PLAYDESK_PASSWORD=$1 python3 -c '
import hashlib, hmac, os
print(hmac.new(os.environ["PLAYDESK_PASSWORD"].encode(), b"playdesk broker account .meter",
               hashlib.sha256).hexdigest()[:32])'
}

# The devices registered (their ask and meter accounts and the stations aside).
devices() {
    local name rest
    [ -f "$PASSWD_FILE" ] || return 0
    while IFS=: read -r name rest; do
        [[ -z $name || $name == *"$ASK_SUFFIX" || $name == *"$METER_SUFFIX" || $name == *"$STATION_SUFFIX" ]] || echo "$name"
    done < "$PASSWD_FILE"
}

# The station accounts registered (PC01.station), as their station codes.
stations() {
    local name rest
    [ -f "$PASSWD_FILE" ] || return 0
    while IFS=: read -r name rest; do
        [[ $name == *"$STATION_SUFFIX" ]] && echo "${name%"$STATION_SUFFIX"}"
    done < "$PASSWD_FILE"
    return 0
}

# Every registered account name (for the station sections of the ACL).
accounts() {
    [ -f "$PASSWD_FILE" ] || return 0
    cut -d: -f1 "$PASSWD_FILE"
}

# The ACL again, with a section for every device's ask account, when playdesk is installed
# here (site and authority from sync.env, the generator from the installed engine).
refresh_acl() {
    local site authority
    [ -f "$ACL_FILE" ] && [ -f "$SYNC_ENV" ] && [ -x "$PLAYDESK_PYTHON" ] || return 0
    site=$(sed -n 's/^PLAYDESK_SITE=//p' "$SYNC_ENV" | tail -n 1)
    authority=$(sed -n 's/^PLAYDESK_AUTHORITY=//p' "$SYNC_ENV" | tail -n 1)
    [ -n "$site" ] || return 0
    # shellcheck disable=SC2046 # device names are checked words
    if ! { "$PLAYDESK_PYTHON" -c 'import sys
from engine.sync.brokerconfig import acl_text
sys.stdout.write(acl_text(sys.argv[1], sys.argv[2] or None, devices=tuple(sys.argv[3:])))' \
        "$site" "$authority" $(devices) && stations_acl "$site" "$authority"; } > "$ACL_FILE.new"; then
        # an installed release older than ask accounts: install.sh writes the ACL instead
        rm -f -- "$ACL_FILE.new"
        echo "playdesk-broker-user: warning: $ACL_FILE not regenerated" >&2
        return 0
    fi
    chmod 0644 "$ACL_FILE.new"
    mv -f -- "$ACL_FILE.new" "$ACL_FILE"
}

# The stations' and meters' sections (engine.stations.brokeracl), after the site's ACL; an
# installed release without them writes nothing more.
stations_acl() {
    # shellcheck disable=SC2046 # account names are checked words
    if "$PLAYDESK_PYTHON" -c 'import engine.stations.brokeracl' 2> /dev/null; then
        "$PLAYDESK_PYTHON" -m engine.stations.brokeracl "$1" "$2" $(accounts)
    fi
}

register_account() {
    local account=$1 password=$2
    mkdir -p "$(dirname -- "$PASSWD_FILE")"
    if [ ! -f "$PASSWD_FILE" ]; then
        install -m 0640 /dev/null "$PASSWD_FILE"
        getent group mosquitto > /dev/null && chgrp mosquitto "$PASSWD_FILE"
    fi
    mosquitto_passwd -b "$PASSWD_FILE" "$account" "$password"
    refresh_acl
    reload_broker
}

register() {
    local device=$1 password=$2
    mkdir -p "$(dirname -- "$PASSWD_FILE")"
    if [ ! -f "$PASSWD_FILE" ]; then
        install -m 0640 /dev/null "$PASSWD_FILE"
        getent group mosquitto > /dev/null && chgrp mosquitto "$PASSWD_FILE"
    fi
    mosquitto_passwd -b "$PASSWD_FILE" "$device" "$password"
    mosquitto_passwd -b "$PASSWD_FILE" "$device$ASK_SUFFIX" "$(ask_password "$password")"
    refresh_acl
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
        list) devices; exit 0 ;;
        stations) stations; exit 0 ;;
    esac
    [[ $device =~ ^[A-Za-z0-9_.-]{1,40}$ ]] || die "a device name (A-Z a-z 0-9 _ - .) is required"
    [[ $device != *"$ASK_SUFFIX" ]] || die "$device: an ask account comes with its device (${device%"$ASK_SUFFIX"})"
    [[ $device != *"$METER_SUFFIX" && $device != *"$STATION_SUFFIX" ]] ||
        die "$device: name the device or the station without its suffix (meter, new-station)"
    case $command in
        meter)
            password=$(read_password)
            register_account "$device$METER_SUFFIX" "$(meter_password "$password")"
            ;;
        check-meter)
            password=$(read_password)
            matches "$device$METER_SUFFIX" "$(meter_password "$password")"
            ;;
        new-station)
            password=$(head -c 512 /dev/urandom | LC_ALL=C tr -dc 'A-Za-z0-9')
            password=${password:0:32}
            register_account "$device$STATION_SUFFIX" "$password"
            echo "$password"
            ;;
        add-station)
            password=$(read_password)
            register_account "$device$STATION_SUFFIX" "$password"
            ;;
        remove-station)
            [ ! -f "$PASSWD_FILE" ] || mosquitto_passwd -D "$PASSWD_FILE" "$device$STATION_SUFFIX"
            refresh_acl
            reload_broker
            ;;
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
            matches "$device" "$password" && matches "$device$ASK_SUFFIX" "$(ask_password "$password")"
            ;;
        remove)
            if [ -f "$PASSWD_FILE" ]; then
                mosquitto_passwd -D "$PASSWD_FILE" "$device"
                # an account made before ask accounts existed has none
                mosquitto_passwd -D "$PASSWD_FILE" "$device$ASK_SUFFIX" 2> /dev/null || true
                mosquitto_passwd -D "$PASSWD_FILE" "$device$METER_SUFFIX" 2> /dev/null || true
            fi
            refresh_acl
            reload_broker
            ;;
        *) die "unknown command: $command (see --help)" ;;
    esac
}

main "$@"
