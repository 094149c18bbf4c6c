#!/usr/bin/env bash
# Turn a Raspberry Pi (Raspberry Pi OS Lite, bookworm) into a playdesk kiosk or counter:
#
#   sudo ./systemd/install.sh --role kiosk|counter --site CODE --device NAME --broker HOST[:PORT]
#        [--printer usb:VID:PID|serial:DEV|network:HOST[:PORT]|none] [--printer-profile NAME]
#        [--scanner usb:VID:PID|camera]... [--camera /dev/videoN] [--authority DEVICE] [--broker-password-file FILE|-]
#        [--root DIR] [--wheelhouse DIR]
#   sudo ./systemd/install.sh --role station --site CODE --station CODE --broker HOST[:PORT]
#        --authority-key HEX [--broker-password-file FILE|-] [--root DIR] [--wheelhouse DIR]
#        (a Linux PC of the site with the station agent playdesk-station; its broker account
#        STATION.station is made on the counter: playdesk-broker-user new-station CODE)
#   sudo ./systemd/install.sh --upgrade  [--root DIR]   # new release, backup, migrate, switch
#   sudo ./systemd/install.sh --rollback [--root DIR]   # previous release + pre-upgrade backup
#
# A counter that is the site's authority also runs the meter (playdesk-meter.service): it
# charges play sessions and talks to the station agents, as the broker account DEVICE.meter.
# Idempotent: every file is compared before it is written ("unchanged"), users, groups, packages
# and unit states are checked before they are changed; a second run changes nothing.
# --root DIR installs the files into DIR (every path prefixed, DESTDIR-style) and only records
# the system commands it would run (apt-get, useradd, systemctl, pip, ...) in
# DIR/var/log/playdesk-install.plan -- for tests and for reviewing what an install does.
# --upgrade/--rollback re-use the settings of the installed /etc/playdesk/playdesk.conf.

set -euo pipefail
umask 022

SOURCE=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
SYSTEMD_SOURCE=$SOURCE/systemd

APP_USER=playdesk
INPUT_GROUP=playdesk-input
APP_GROUPS=(video render "$INPUT_GROUP" lp dialout)
APT_COMMON=(python3 python3-venv python3-pip sqlite3 ca-certificates mosquitto-clients
            libsdl2-2.0-0 libsdl2-image-2.0-0 libsdl2-ttf-2.0-0 libsdl2-mixer-2.0-0
            libgl1 libegl1 libgles2 libgbm1 libdrm2 libmtdev1 libzbar0 libusb-1.0-0
            fonts-dejavu-core
            build-essential python3-dev linux-libc-dev)  # evdev is locked as source: built here
APT_COUNTER=(mosquitto)

ETC_DIR=/etc/playdesk
CONF_FILE=$ETC_DIR/playdesk.conf
PASSWORD_FILE=$ETC_DIR/mqtt.password
SYNC_ENV_FILE=$ETC_DIR/sync.env
STATION_CONF=$ETC_DIR/station.toml
STATION_HOOKS=$ETC_DIR/station-hooks.toml
STATE_DIR=/var/lib/playdesk
DB_FILE=$STATE_DIR/playdesk.db
BACKUP_DIR=$STATE_DIR/backups
KEY_DIR=$STATE_DIR/keys
OPT_DIR=/opt/playdesk
RELEASES_DIR=$OPT_DIR/releases
CURRENT_LINK=$OPT_DIR/current
PREVIOUS_LINK=$OPT_DIR/previous
ROLLBACK_FILE=$OPT_DIR/rollback.env
UNIT_DIR=/etc/systemd/system
UDEV_DIR=/etc/udev/rules.d
LOCAL_UDEV_RULES=$UDEV_DIR/71-playdesk-local.rules
JOURNALD_DIR=/etc/systemd/journald.conf.d
MOSQUITTO_CONF_DIR=/etc/mosquitto/conf.d
MOSQUITTO_ACL_FILE=/etc/mosquitto/playdesk.acl
MOSQUITTO_PASSWORDS=/etc/mosquitto/playdesk.passwords
CLI_WRAPPER=/usr/local/bin/playdesk
BROKER_USER_TOOL=/usr/local/sbin/playdesk-broker-user
BACKUP_KEEP=14
CLOCK_TOLERANCE=120

ROOT=""
WHEELHOUSE=""
CAMERA=""
ACTION=install
ROLE="" SITE="" DEVICE="" BROKER="" PRINTER="" PRINTER_PROFILE="" PASSWORD_SOURCE="" AUTHORITY=""
STATION="" AUTHORITY_KEY=""
SCANNERS=()
CHANGED=0          # files written by this run
UDEV_CHANGED=0
JOURNALD_CHANGED=0
MOSQUITTO_CHANGED=0
PLAN_FILE=""

usage() {
    sed -n '2,25p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

die() {
    echo "install.sh: error: $*" >&2
    exit 2
}

say() {
    echo "install.sh: $*"
}

warn() {
    echo "install.sh: warning: $*" >&2
}

# --- arguments ------------------------------------------------------------------------------

parse_arguments() {
    while [ $# -gt 0 ]; do
        case $1 in
            --role) ROLE=${2-}; shift 2 ;;
            --site) SITE=${2-}; shift 2 ;;
            --device) DEVICE=${2-}; shift 2 ;;
            --broker) BROKER=${2-}; shift 2 ;;
            --printer) PRINTER=${2-}; shift 2 ;;
            --printer-profile) PRINTER_PROFILE=${2-}; shift 2 ;;
            --scanner) if [ "${2-}" = camera ]; then CAMERA=${CAMERA:-/dev/video0}; else SCANNERS+=("${2-}"); fi; shift 2 ;;
            --camera) CAMERA=${2-}; shift 2 ;;
            --authority) AUTHORITY=${2-}; shift 2 ;;
            --station) STATION=${2-}; shift 2 ;;
            --authority-key) AUTHORITY_KEY=${2-}; shift 2 ;;
            --broker-password-file) PASSWORD_SOURCE=${2-}; shift 2 ;;
            --root) ROOT=${2-}; shift 2 ;;
            --wheelhouse) WHEELHOUSE=${2-}; shift 2 ;;
            --upgrade) ACTION=upgrade; shift ;;
            --rollback) ACTION=rollback; shift ;;
            -h|--help) usage; exit 0 ;;
            *) die "unknown option: $1 (see --help)" ;;
        esac
    done
    if [ -n "$ROOT" ]; then
        [ -d "$ROOT" ] || die "--root $ROOT is not a directory"
        ROOT=$(cd -- "$ROOT" && pwd)
        PLAN_FILE=$ROOT/var/log/playdesk-install.plan
        mkdir -p "$(dirname -- "$PLAN_FILE")"
        : > "$PLAN_FILE"
    elif [ "$(id -u)" != 0 ]; then
        die "run as root (sudo), or with --root DIR to install into a folder"
    fi
    if [ "$ACTION" != install ]; then
        load_installed_settings
    fi
    validate_settings
}

# --upgrade and --rollback keep the device's settings: read them back from its config.
load_installed_settings() {
    local conf
    conf=$(target "$CONF_FILE")
    [ -f "$conf" ] || die "no $CONF_FILE: install first (--role ... --site ... --device ... --broker ...)"
    ROLE=${ROLE:-$(setting_of "$conf" PLAYDESK_ROLE)}
    SITE=${SITE:-$(setting_of "$conf" PLAYDESK_SITE)}
    DEVICE=${DEVICE:-$(setting_of "$conf" PLAYDESK_DEVICE)}
    BROKER=${BROKER:-$(setting_of "$conf" PLAYDESK_BROKER_HOST):$(setting_of "$conf" PLAYDESK_BROKER_PORT)}
    PRINTER=${PRINTER:-$(setting_of "$conf" PLAYDESK_PRINTER)}
    PRINTER_PROFILE=${PRINTER_PROFILE:-$(setting_of "$conf" PLAYDESK_PRINTER_PROFILE)}
    CAMERA=${CAMERA:-$(setting_of "$conf" PLAYDESK_CAMERA)}
    AUTHORITY=${AUTHORITY:-$(setting_of "$conf" PLAYDESK_AUTHORITY)}
    AUTHORITY_KEY=${AUTHORITY_KEY:-$(setting_of "$conf" PLAYDESK_AUTHORITY_KEY)}
    [ "$ROLE" = station ] && STATION=${STATION:-$DEVICE}
    return 0
}

setting_of() {
    sed -n "s/^$2=//p" "$1" | tail -n 1
}

validate_settings() {
    case $ROLE in
        kiosk|counter) ;;
        station)
            # A station PC's device name is its station code (its broker account CODE.station).
            is_code "$STATION" || die "--station must be a station code (A-Z a-z 0-9 _ - ., 1-40 characters), not '$STATION'"
            DEVICE=$STATION
            [[ $AUTHORITY_KEY =~ ^[0-9a-f]{64}$ ]] || die "--authority-key must be the authority's public key (64 hex digits: playdesk sync keys on the counter)"
            ;;
        "") die "--role kiosk|counter|station is required" ;;
        *) die "--role must be kiosk or counter, not '$ROLE' (a PC with the station agent: station)" ;;
    esac
    is_code "$SITE" || die "--site must be a site code (A-Z a-z 0-9 _ - ., 1-40 characters), not '$SITE'"
    is_code "$DEVICE" || die "--device must be a device name (A-Z a-z 0-9 _ - ., 1-40 characters), not '$DEVICE'"
    # The authority serializes strict operations (spec/sync.md): normally the counter itself.
    [ -z "$AUTHORITY" ] && [ "$ROLE" = counter ] && AUTHORITY=$DEVICE
    [ -z "$AUTHORITY" ] || is_code "$AUTHORITY" || die "--authority must be a device name, not '$AUTHORITY'"
    [[ $BROKER =~ ^[A-Za-z0-9.-]+(:[0-9]{1,5})?$ ]] || die "--broker must be HOST or HOST:PORT, not '$BROKER'"
    BROKER_HOST=${BROKER%%:*}
    BROKER_PORT=1883
    [[ $BROKER == *:* ]] && BROKER_PORT=${BROKER##*:}
    PRINTER=${PRINTER:-none}
    [[ $PRINTER =~ ^(none|usb:[0-9a-fA-F]{4}:[0-9a-fA-F]{4}|serial:/dev/[A-Za-z0-9/_.-]+|network:[A-Za-z0-9.-]+(:[0-9]{1,5})?)$ ]] ||
        die "--printer must be usb:VID:PID, serial:/dev/..., network:HOST[:PORT] or none, not '$PRINTER'"
    [[ $PRINTER == usb:* ]] && PRINTER=${PRINTER,,}   # USB ids in lower case, as udev has them
    if [ -z "$PRINTER_PROFILE" ]; then
        case $PRINTER in
            usb:04b8:*) PRINTER_PROFILE=TM-T20II ;;   # Epson: the TM-T20II profile fits TM-T20 and TM-T88
            *) PRINTER_PROFILE=default ;;
        esac
    fi
    [[ $PRINTER_PROFILE =~ ^[A-Za-z0-9._-]+$ ]] || die "--printer-profile must be a python-escpos profile name, not '$PRINTER_PROFILE'"
    local scanner
    for scanner in "${SCANNERS[@]}"; do
        [[ $scanner =~ ^usb:[0-9a-fA-F]{4}:[0-9a-fA-F]{4}$ ]] || die "--scanner must be usb:VID:PID or camera, not '$scanner'"
    done
    [ -z "$CAMERA" ] || [[ $CAMERA =~ ^/dev/video[0-9]{1,3}$ ]] || die "--camera must be /dev/videoN, not '$CAMERA'"
    if [ -n "$PASSWORD_SOURCE" ] && [ "$PASSWORD_SOURCE" != - ] && [ ! -r "$PASSWORD_SOURCE" ]; then
        die "--broker-password-file $PASSWORD_SOURCE is not readable"
    fi
}

is_code() {
    [[ $1 =~ ^[A-Za-z0-9_.-]{1,40}$ ]]
}

# --- doing, or recording what would be done --------------------------------------------------

target() {
    echo "$ROOT$1"
}

# Run a system command, or with --root only record it in the plan.
run() {
    if [ -n "$ROOT" ]; then
        echo "$*" >> "$PLAN_FILE"
        say "would run: $*"
    else
        "$@"
    fi
}

# Run a command as the playdesk user with the device's configuration in the environment.
run_as_app() {
    if [ -n "$ROOT" ]; then
        echo "runuser -u $APP_USER -- $*" >> "$PLAN_FILE"
        say "would run as $APP_USER: $*"
    else
        # From its own folder: the source tree may sit in a home folder it cannot enter.
        (cd "$STATE_DIR" && runuser -u "$APP_USER" -- env PLAYDESK_DB="$DB_FILE" \
            PLAYDESK_BACKUP_DIR="$BACKUP_DIR" "$@")
    fi
}

# Install CONTENT (stdin) as PATH with MODE and OWNER:GROUP, only when it differs.
# Prints "created", "updated" or "unchanged"; sets CHANGED=1 when the file was written.
put_file() {
    local path=$1 mode=$2 owner=$3 destination temporary
    destination=$(target "$path")
    mkdir -p "$(dirname -- "$destination")"
    temporary=$(mktemp "$(dirname -- "$destination")/.playdesk-install.XXXXXX")
    cat > "$temporary"
    if [ -f "$destination" ] && cmp -s "$temporary" "$destination" && [ "$(stat -c %a "$destination")" = "${mode#0}" ]; then
        rm -f "$temporary"
        say "unchanged $path"
        FILE_WRITTEN=0
    else
        chmod "$mode" "$temporary"
        if [ -f "$destination" ]; then say "updated   $path"; else say "created   $path"; fi
        mv -f "$temporary" "$destination"
        CHANGED=1
        FILE_WRITTEN=1
    fi
    set_owner "$owner" "$path"
}

set_owner() {
    local owner=$1 path=$2
    if [ -n "$ROOT" ]; then
        # The temporary root has no playdesk user: record the ownership instead (once per path).
        [ "$owner" = root:root ] || echo "chown $owner $path" >> "$PLAN_FILE"
    elif [ "$(stat -c %U:%G "$path")" != "$owner" ]; then
        chown "$owner" "$path"
        say "owner     $path -> $owner"
        CHANGED=1
    fi
}

put_directory() {
    local path=$1 mode=$2 owner=$3 destination
    destination=$(target "$path")
    if [ -d "$destination" ] && [ "$(stat -c %a "$destination")" = "${mode#0}" ]; then
        say "unchanged $path/"
    else
        if [ -d "$destination" ]; then say "updated   $path/"; else say "created   $path/"; fi
        mkdir -p "$destination"
        chmod "$mode" "$destination"
        CHANGED=1
    fi
    set_owner "$owner" "$path"
}

# Point the symlink PATH at TARGET atomically (rename over it), when it does not already.
put_link() {
    local path=$1 link_target=$2 destination
    destination=$(target "$path")
    if [ -L "$destination" ] && [ "$(readlink -- "$destination")" = "$link_target" ]; then
        say "unchanged $path -> $link_target"
        return
    fi
    ln -sfn -- "$link_target" "$destination.new"
    mv -Tf -- "$destination.new" "$destination"
    say "linked    $path -> $link_target"
    CHANGED=1
}

remove_file() {
    local destination
    destination=$(target "$1")
    if [ -e "$destination" ] || [ -L "$destination" ]; then
        rm -f -- "$destination"
        say "removed   $1"
        CHANGED=1
    fi
}

# --- system state (users, packages, units) ----------------------------------------------------

ensure_packages() {
    local wanted=("${APT_COMMON[@]}") missing=() package
    [ "$ROLE" = counter ] && wanted+=("${APT_COUNTER[@]}")
    if [ -n "$ROOT" ]; then
        run apt-get install -y --no-install-recommends "${wanted[@]}"
        return
    fi
    for package in "${wanted[@]}"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done
    if [ ${#missing[@]} -eq 0 ]; then
        say "unchanged apt packages"
        return
    fi
    say "installing apt packages: ${missing[*]}"
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}

ensure_user() {
    local group missing_groups=() group_list
    [ "$ROLE" = station ] && APP_GROUPS=()   # a station agent uses no device of the PC
    group_list=$(IFS=,; echo "${APP_GROUPS[*]}")
    if [ -n "$ROOT" ]; then
        for group in "${APP_GROUPS[@]}"; do
            run groupadd --system -f "$group"
        done
        run useradd --system --user-group --home-dir "$STATE_DIR" --no-create-home \
            --shell /usr/sbin/nologin ${group_list:+--groups "$group_list"} "$APP_USER"
        return
    fi
    for group in "${APP_GROUPS[@]}"; do
        getent group "$group" > /dev/null || { groupadd --system "$group"; say "created   group $group"; }
    done
    if ! getent passwd "$APP_USER" > /dev/null; then
        useradd --system --user-group --home-dir "$STATE_DIR" --no-create-home \
            --shell /usr/sbin/nologin ${group_list:+--groups "$group_list"} "$APP_USER"
        say "created   user $APP_USER"
        return
    fi
    for group in "${APP_GROUPS[@]}"; do
        id -nG "$APP_USER" | tr ' ' '\n' | grep -qx -- "$group" || missing_groups+=("$group")
    done
    if [ ${#missing_groups[@]} -gt 0 ]; then
        usermod -a -G "$(IFS=,; echo "${missing_groups[*]}")" "$APP_USER"
        say "updated   user $APP_USER groups: +${missing_groups[*]}"
    else
        say "unchanged user $APP_USER"
    fi
}

unit_enabled() {
    [ -z "$ROOT" ] && systemctl is-enabled --quiet "$1" 2>/dev/null
}

ensure_enabled() {
    local unit
    for unit in "$@"; do
        if unit_enabled "$unit"; then
            say "unchanged $unit enabled"
        else
            run systemctl enable "$unit"
        fi
    done
}

# --- releases (/opt/playdesk/releases/<version>-<stamp>, a venv each) ---------------------------

source_version() {
    local version commit
    version=$(sed -n 's/^version = "\(.*\)"/\1/p' "$SOURCE/pyproject.toml" | head -n 1)
    commit=$(git -C "$SOURCE" rev-parse --short HEAD 2>/dev/null || echo src)
    echo "${version:-0}-$commit"
}

# Build a new release from the source tree; prints nothing, sets NEW_RELEASE.
build_release() {
    local name
    name="$(source_version)-$(date +%Y%m%d%H%M%S)"
    NEW_RELEASE=$RELEASES_DIR/$name
    [ -e "$(target "$NEW_RELEASE")" ] && die "release $NEW_RELEASE exists already (two installs in one second?)"
    mkdir -p "$(target "$NEW_RELEASE")"
    run python3 -m venv "$NEW_RELEASE"
    # From uv.lock only, hash-checked; --wheelhouse DIR installs offline (no index at all).
    python3 "$SOURCE/systemd/locked_requirements.py" "$SOURCE/uv.lock" --only-group --group build \
        > "$(target "$NEW_RELEASE/build-requirements.txt")"
    python3 "$SOURCE/systemd/locked_requirements.py" "$SOURCE/uv.lock" --extra zxing \
        > "$(target "$NEW_RELEASE/requirements.txt")"
    local index=()
    [ -z "$WHEELHOUSE" ] || index=(--no-index --find-links "$WHEELHOUSE")
    run "$NEW_RELEASE/bin/pip" install --no-cache-dir --quiet "${index[@]}" --require-hashes --no-deps \
        -r "$NEW_RELEASE/build-requirements.txt"
    run "$NEW_RELEASE/bin/pip" install --no-cache-dir --quiet "${index[@]}" --require-hashes --no-deps \
        --no-build-isolation -r "$NEW_RELEASE/requirements.txt"
    run "$NEW_RELEASE/bin/pip" install --no-cache-dir --quiet "${index[@]}" --no-deps \
        --no-build-isolation "$SOURCE"
    mkdir -p "$(target "$NEW_RELEASE/share/doc/playdesk")"
    cp "$SOURCE"/docs/*.md "$(target "$NEW_RELEASE/share/doc/playdesk/")"
    printf 'release=%s\nsource=%s\n' "$name" "$SOURCE" > "$(target "$NEW_RELEASE/RELEASE")"
    say "built     release $NEW_RELEASE"
}

ensure_release() {
    if [ -L "$(target "$CURRENT_LINK")" ]; then
        say "unchanged release $(readlink -- "$(target "$CURRENT_LINK")") (use --upgrade for a new one)"
        return
    fi
    put_directory "$RELEASES_DIR" 0755 root:root
    build_release
    put_link "$CURRENT_LINK" "$NEW_RELEASE"
}

# --- files ------------------------------------------------------------------------------------

install_directories() {
    put_directory "$ETC_DIR" 0750 "root:$APP_USER"
    put_directory "$STATE_DIR" 0750 "$APP_USER:$APP_USER"
    put_directory "$BACKUP_DIR" 0700 "$APP_USER:$APP_USER"
    put_directory "$KEY_DIR" 0700 "$APP_USER:$APP_USER"
    put_directory "$STATE_DIR/kivy" 0750 "$APP_USER:$APP_USER"
    put_directory "$STATE_DIR/cache" 0750 "$APP_USER:$APP_USER"
    put_directory "$OPT_DIR" 0755 root:root
}

# The broker password of this device: kept once created (the broker knows it), or taken from
# --broker-password-file. Readable by the playdesk group only.
install_broker_password() {
    local existing password
    existing=$(target "$PASSWORD_FILE")
    if [ -n "$PASSWORD_SOURCE" ]; then
        if [ "$PASSWORD_SOURCE" = - ]; then
            IFS= read -r password || true
        else
            IFS= read -r password < "$PASSWORD_SOURCE" || true
        fi
        [ ${#password} -ge 16 ] || die "the broker password must have at least 16 characters"
    elif [ -f "$existing" ]; then
        password=$(head -n 1 "$existing")
    else
        password=$(head -c 512 /dev/urandom | LC_ALL=C tr -dc 'A-Za-z0-9')
            password=${password:0:32}
    fi
    put_file "$PASSWORD_FILE" 0640 "root:$APP_USER" < <(printf '%s\n' "$password")
    BROKER_PASSWORD=$password
}

config_content() {
    cat <<EOF
# playdesk device configuration, written by systemd/install.sh -- edit by re-running it
# (the units read it as EnvironmentFile; the broker password lives in mqtt.password).
PLAYDESK_ROLE=$ROLE
PLAYDESK_SITE=$SITE
PLAYDESK_DEVICE=$DEVICE
PLAYDESK_DB=$DB_FILE
PLAYDESK_BACKUP_DIR=$BACKUP_DIR
PLAYDESK_BACKUP_KEEP=$BACKUP_KEEP
PLAYDESK_KEY_DIR=$KEY_DIR
PLAYDESK_BROKER_HOST=$BROKER_HOST
PLAYDESK_BROKER_PORT=$BROKER_PORT
PLAYDESK_BROKER_USER=$DEVICE
PLAYDESK_BROKER_PASSWORD_FILE=$PASSWORD_FILE
PLAYDESK_AUTHORITY=$AUTHORITY
PLAYDESK_PRINTER=$PRINTER
PLAYDESK_PRINTER_PROFILE=$PRINTER_PROFILE
PLAYDESK_SCANNERS=/dev/playdesk-scanner-*
PLAYDESK_CAMERA=$CAMERA
PLAYDESK_SCANNER=${CAMERA:+camera:$CAMERA}
PLAYDESK_CLOCK_TOLERANCE=$CLOCK_TOLERANCE
EOF
    if [ "$ROLE" = station ]; then
        echo "PLAYDESK_AUTHORITY_KEY=$AUTHORITY_KEY"
    fi
}

# What playdesk-station.service reads (engine/stations/agentconfig.py).
station_conf_content() {
    cat <<EOF
# playdesk station agent, written by systemd/install.sh --role station -- re-run it to change.
# The hooks (what runs on start, stop, ...) are in $STATION_HOOKS, which is yours to edit.
site = "$SITE"
station = "$STATION"
broker = "$BROKER_HOST:$BROKER_PORT"
username = "$STATION.station"
password_file = "$PASSWORD_FILE"
authority_key = "$AUTHORITY_KEY"
status_file = "/run/playdesk-station/status.json"
control_socket = "/run/playdesk-station/control.sock"
hooks_file = "$STATION_HOOKS"
EOF
}

# The hooks a fresh station starts with: unlock the desktop for a session, lock it after.
station_hooks_content() {
    cat <<'EOF'
# playdesk station hooks: argv lists (no shell), run as the playdesk user with PLAYDESK_STATION,
# PLAYDESK_SESSION, PLAYDESK_MEMBER, PLAYDESK_REASON in the environment. Events: start, stop,
# pause, resume, warning. install.sh wrote this file once and never rewrites it.
[hooks]
start = ["/usr/bin/loginctl", "unlock-sessions"]
stop = ["/usr/bin/loginctl", "lock-sessions"]
pause = ["/usr/bin/loginctl", "lock-sessions"]
resume = ["/usr/bin/loginctl", "unlock-sessions"]
EOF
}

# The meter runs where strict operations are decided: on the authority counter.
runs_meter() {
    [ "$ROLE" = counter ] && [ "$AUTHORITY" = "$DEVICE" ]
}

# What playdesk-sync.service (the sync engine's unit) reads: systemd/playdesk-sync.service.
sync_env_content() {
    cat <<EOF
# playdesk-sync settings, written by systemd/install.sh from playdesk.conf -- re-run it to change.
PLAYDESK_BROKER=$BROKER_HOST:$BROKER_PORT
PLAYDESK_DEVICE=$DEVICE
PLAYDESK_KIND=$ROLE
PLAYDESK_SITE=$SITE
PLAYDESK_AUTHORITY=$AUTHORITY
EOF
}

local_udev_rules() {
    local device vendor product
    echo "# playdesk: devices named at install (install.sh --printer usb:... / --scanner usb:...)."
    if [[ $PRINTER == usb:* ]]; then
        vendor=$(echo "$PRINTER" | cut -d: -f2)
        product=$(echo "$PRINTER" | cut -d: -f3)
        echo "SUBSYSTEM==\"usb\", ENV{DEVTYPE}==\"usb_device\", ATTR{idVendor}==\"$vendor\", ATTR{idProduct}==\"$product\", GROUP=\"lp\", MODE=\"0660\", ENV{PLAYDESK_PRINTER}=\"1\""
    fi
    if [ -n "$CAMERA" ]; then
        echo "SUBSYSTEM==\"video4linux\", KERNEL==\"${CAMERA#/dev/}\", GROUP=\"video\", MODE=\"0660\", ENV{PLAYDESK_SCANNER}=\"1\", SYMLINK+=\"playdesk-camera\""
    fi
    for device in "${SCANNERS[@]}"; do
        vendor=$(echo "${device,,}" | cut -d: -f2)
        product=$(echo "${device,,}" | cut -d: -f3)
        echo "SUBSYSTEM==\"input\", KERNEL==\"event*\", ATTRS{idVendor}==\"$vendor\", ATTRS{idProduct}==\"$product\", GROUP=\"$INPUT_GROUP\", MODE=\"0660\", ENV{PLAYDESK_SCANNER}=\"1\", SYMLINK+=\"playdesk-scanner-%n\""
        echo "SUBSYSTEM==\"hidraw\", ATTRS{idVendor}==\"$vendor\", ATTRS{idProduct}==\"$product\", GROUP=\"$INPUT_GROUP\", MODE=\"0660\", ENV{PLAYDESK_SCANNER}=\"1\", SYMLINK+=\"playdesk-scanner-hidraw%n\""
        echo "SUBSYSTEM==\"tty\", KERNEL==\"ttyACM*\", ATTRS{idVendor}==\"$vendor\", ATTRS{idProduct}==\"$product\", GROUP=\"dialout\", MODE=\"0660\", ENV{ID_MM_DEVICE_IGNORE}=\"1\", ENV{PLAYDESK_SCANNER}=\"1\", SYMLINK+=\"playdesk-scanner-tty%n\""
    done
}

# `playdesk` for operators: the installed release, the device's database, as the playdesk user.
cli_wrapper() {
    cat <<EOF
#!/bin/sh
# playdesk CLI on this device (written by systemd/install.sh).
export PLAYDESK_DB="\${PLAYDESK_DB:-$DB_FILE}"
export PLAYDESK_BACKUP_DIR="\${PLAYDESK_BACKUP_DIR:-$BACKUP_DIR}"
if [ "\$(id -u)" = 0 ]; then
    exec runuser -u $APP_USER -- env PLAYDESK_DB="\$PLAYDESK_DB" PLAYDESK_BACKUP_DIR="\$PLAYDESK_BACKUP_DIR" $CURRENT_LINK/bin/playdesk "\$@"
fi
exec $CURRENT_LINK/bin/playdesk "\$@"
EOF
}

install_units() {
    local unit other units=(playdesk-sync.service "playdesk-$ROLE.service" playdesk-backup.service playdesk-backup.timer)
    local gone=(playdesk-station.service)
    other=counter
    [ "$ROLE" = counter ] && other=kiosk
    if [ "$ROLE" = station ]; then
        units=(playdesk-station.service)
        gone=(playdesk-kiosk.service playdesk-counter.service playdesk-sync.service playdesk-meter.service
              playdesk-backup.timer playdesk-backup.service)
    elif runs_meter; then
        units+=(playdesk-meter.service)
    else
        gone+=(playdesk-meter.service)
    fi
    for unit in "${units[@]}"; do
        put_file "$UNIT_DIR/$unit" 0644 root:root < "$SYSTEMD_SOURCE/$unit"
    done
    # A unit of another role (or the meter of a counter that is no longer the authority) goes.
    for unit in "${gone[@]}"; do
        if [ -f "$(target "$UNIT_DIR/$unit")" ]; then
            run systemctl disable --now "$unit"
            remove_file "$UNIT_DIR/$unit"
        fi
    done
    [ "$ROLE" = station ] && return 0
    # Every unit runs the current release; older installs linked $OPT_DIR/.venv to it for the
    # sync unit. Only that link goes, never a real directory someone made there.
    if [ -L "$(target "$OPT_DIR/.venv")" ]; then
        remove_file "$OPT_DIR/.venv"
    fi
    # A device has one role: a kiosk turned counter loses its kiosk unit.
    if [ -f "$(target "$UNIT_DIR/playdesk-$other.service")" ]; then
        run systemctl disable --now "playdesk-$other.service"
        remove_file "$UNIT_DIR/playdesk-$other.service"
    fi
}

install_udev_rules() {
    put_file "$UDEV_DIR/70-playdesk.rules" 0644 root:root < "$SYSTEMD_SOURCE/udev/70-playdesk.rules"
    UDEV_CHANGED=$((UDEV_CHANGED | FILE_WRITTEN))
    if [[ $PRINTER == usb:* ]] || [ ${#SCANNERS[@]} -gt 0 ] || [ -n "$CAMERA" ]; then
        put_file "$LOCAL_UDEV_RULES" 0644 root:root < <(local_udev_rules)
        UDEV_CHANGED=$((UDEV_CHANGED | FILE_WRITTEN))
    elif [ -e "$(target "$LOCAL_UDEV_RULES")" ]; then
        remove_file "$LOCAL_UDEV_RULES"
        UDEV_CHANGED=1
    fi
}

# The counter hosts the site's broker: Mosquitto with the project's config (systemd/mosquitto/,
# owned by the sync engine), the site's ACL, and this device's own broker account.
install_broker() {
    local file name
    [ "$ROLE" = counter ] || return 0
    if [ ! -d "$SYSTEMD_SOURCE/mosquitto" ]; then
        warn "systemd/mosquitto/ is not in this source tree: Mosquitto keeps Debian's default configuration"
        return 0
    fi
    for file in "$SYSTEMD_SOURCE"/mosquitto/*.conf; do
        [ -f "$file" ] || continue
        name=$(basename -- "$file")
        put_file "$MOSQUITTO_CONF_DIR/$name" 0644 root:root < "$file"
        MOSQUITTO_CHANGED=$((MOSQUITTO_CHANGED | FILE_WRITTEN))
    done
    put_file "$MOSQUITTO_ACL_FILE" 0644 root:root < <(site_acl)
    MOSQUITTO_CHANGED=$((MOSQUITTO_CHANGED | FILE_WRITTEN))
    register_broker_user "$DEVICE" "$BROKER_PASSWORD"
    if runs_meter; then
        register_broker_user "$DEVICE" "$BROKER_PASSWORD" meter
    fi
}

# The ACL for this site and authority, from the sync engine's generator in the source tree
# (plain text generation: nothing needed beyond python3), with a section for the ask account
# (DEVICE.ask) of this device and of every device registered on the broker already.
site_acl() {
    local registered
    local accounts=()
    registered=$(target "$MOSQUITTO_PASSWORDS")
    [ -f "$registered" ] && mapfile -t accounts < <(cut -d: -f1 "$registered")
    python3 -c 'import sys
sys.path.insert(0, sys.argv[1])
from engine.sync.brokerconfig import acl_text
devices = tuple(a for a in sys.argv[4:] if not a.endswith((".meter", ".station")))
sys.stdout.write(acl_text(sys.argv[2], sys.argv[3] or None, devices=devices))' \
        "$SOURCE" "$SITE" "$AUTHORITY" "$DEVICE" "${accounts[@]}"
    # the station agents' and the meter's sections (engine.stations.brokeracl)
    (cd "$SOURCE" && python3 -m engine.stations.brokeracl "$SITE" "$AUTHORITY" "$DEVICE" "${accounts[@]}")
}

# Add or update USER in the broker's password file (hashed by mosquitto_passwd); with `meter`,
# USER's meter account (USER.meter, its password derived from USER's).
register_broker_user() {
    local user=$1 password=$2 add=add check=check name=$1
    if [ "${3-}" = meter ]; then
        add=meter check=check-meter name=$user.meter
    fi
    if [ -n "$ROOT" ]; then
        echo "$BROKER_USER_TOOL $add $user < $PASSWORD_FILE" >> "$PLAN_FILE"
        say "would run: $BROKER_USER_TOOL $add $user < $PASSWORD_FILE"
        return
    fi
    if printf '%s\n' "$password" | "$SYSTEMD_SOURCE/broker-user.sh" "$check" "$user"; then
        say "unchanged broker account $name"
    else
        printf '%s\n' "$password" | "$SYSTEMD_SOURCE/broker-user.sh" "$add" "$user" > /dev/null
        say "updated   broker account $name"
        MOSQUITTO_CHANGED=1
    fi
}

# A station PC: the agent's configuration, its hooks (created once, the site's to edit), its
# unit; no database, no sync, no udev rules.
install_station_files() {
    put_directory "$ETC_DIR" 0750 "root:$APP_USER"
    put_directory "$STATE_DIR" 0750 "$APP_USER:$APP_USER"
    put_directory "$OPT_DIR" 0755 root:root
    install_broker_password
    put_file "$CONF_FILE" 0640 "root:$APP_USER" < <(config_content)
    put_file "$STATION_CONF" 0640 "root:$APP_USER" < <(station_conf_content)
    if [ ! -f "$(target "$STATION_HOOKS")" ]; then
        put_file "$STATION_HOOKS" 0644 root:root < <(station_hooks_content)
    else
        say "unchanged $STATION_HOOKS (yours to edit)"
    fi
    install_units
    put_file "$JOURNALD_DIR/playdesk.conf" 0644 root:root < "$SYSTEMD_SOURCE/journald/playdesk.conf"
    JOURNALD_CHANGED=$FILE_WRITTEN
}

install_files() {
    if [ "$ROLE" = station ]; then
        install_station_files
        return
    fi
    install_directories
    install_broker_password
    put_file "$CONF_FILE" 0640 "root:$APP_USER" < <(config_content)
    put_file "$SYNC_ENV_FILE" 0640 "root:$APP_USER" < <(sync_env_content)
    install_units
    install_udev_rules
    put_file "$JOURNALD_DIR/playdesk.conf" 0644 root:root < "$SYSTEMD_SOURCE/journald/playdesk.conf"
    JOURNALD_CHANGED=$FILE_WRITTEN
    put_file "$CLI_WRAPPER" 0755 root:root < <(cli_wrapper)
    put_file "$BROKER_USER_TOOL" 0755 root:root < "$SYSTEMD_SOURCE/broker-user.sh"
    install_broker
}

# --- services ---------------------------------------------------------------------------------

app_units() {
    if [ "$ROLE" = station ]; then
        echo "playdesk-station.service"
    elif runs_meter; then
        echo "playdesk-sync.service playdesk-$ROLE.service playdesk-meter.service"
    else
        echo "playdesk-sync.service playdesk-$ROLE.service"
    fi
}

apply_changes() {
    local units
    read -r -a units <<< "$(app_units)"
    [ "$CHANGED" = 1 ] && run systemctl daemon-reload
    if [ "$UDEV_CHANGED" = 1 ]; then
        run udevadm control --reload
        run udevadm trigger --action=add --subsystem-match=input --subsystem-match=hidraw --subsystem-match=usb --subsystem-match=usbmisc --subsystem-match=tty
    fi
    [ "$JOURNALD_CHANGED" = 1 ] && run systemctl restart systemd-journald.service
    [ "$MOSQUITTO_CHANGED" = 1 ] && run systemctl restart mosquitto.service
    [ "$ROLE" = counter ] && ensure_enabled mosquitto.service
    if [ "$ROLE" = station ]; then
        # No database on a station PC: the agent keeps nothing but its status file.
        ensure_enabled "${units[@]}"
        if [ "$CHANGED" = 1 ]; then run systemctl restart "${units[@]}"; else run systemctl start "${units[@]}"; fi
        return
    fi
    ensure_enabled "${units[@]}" playdesk-backup.timer
    # The database: created and migrated by the release, with this device's id in it.
    run_as_app "$CURRENT_LINK/bin/playdesk" init --device "$DEVICE"
    if [ "$CHANGED" = 1 ]; then
        run systemctl restart playdesk-backup.timer "${units[@]}"
    else
        run systemctl start playdesk-backup.timer "${units[@]}"
    fi
}

stop_apps() {
    local units
    read -r -a units <<< "$(app_units)"
    run systemctl stop "${units[@]}"
}

start_apps() {
    local units
    read -r -a units <<< "$(app_units)"
    run systemctl start "${units[@]}"
}

# --- upgrade and rollback ---------------------------------------------------------------------

# The path of the backup `playdesk backup` just made, from its JSON answer.
backup_path_of() {
    sed -n 's/^ *"backup": "\(.*\)",$/\1/p'
}

upgrade() {
    local previous backup
    [ -L "$(target "$CURRENT_LINK")" ] || die "no installed release at $CURRENT_LINK: install first"
    previous=$(readlink -- "$(target "$CURRENT_LINK")")
    if [ "$ROLE" = station ]; then
        upgrade_station "$previous"
        return
    fi
    # 1. a backup with the running release, before anything changes
    if [ -n "$ROOT" ]; then
        run_as_app "$CURRENT_LINK/bin/playdesk" backup
        backup="$BACKUP_DIR/pre-upgrade.db"
    else
        backup=$(run_as_app "$CURRENT_LINK/bin/playdesk" backup | backup_path_of) ||
            die "the pre-upgrade backup failed: nothing was changed"
        [ -n "$backup" ] || die "the pre-upgrade backup failed: nothing was changed"
    fi
    say "backup    $backup"
    # 2. the new code beside the old one
    build_release
    install_files
    # 3. stop, migrate with the new release (the migration takes its own backup too), switch
    stop_apps
    if ! run_as_app "$NEW_RELEASE/bin/playdesk" init --device "$DEVICE"; then
        warn "the migration failed: staying on $previous"
        start_apps
        exit 1
    fi
    put_file "$ROLLBACK_FILE" 0600 root:root < <(printf 'PREVIOUS_RELEASE=%s\nUPGRADED_RELEASE=%s\nPRE_UPGRADE_BACKUP=%s\n' \
        "$previous" "$NEW_RELEASE" "$backup")
    put_link "$PREVIOUS_LINK" "$previous"
    put_link "$CURRENT_LINK" "$NEW_RELEASE"
    apply_changes
    say "upgraded to $NEW_RELEASE (roll back with: install.sh --rollback)"
}

# A station PC has no database: the new release, the switch, the agent restarted.
upgrade_station() {
    local previous=$1
    build_release
    install_files
    stop_apps
    put_file "$ROLLBACK_FILE" 0600 root:root < <(printf 'PREVIOUS_RELEASE=%s\nUPGRADED_RELEASE=%s\nPRE_UPGRADE_BACKUP=\n' \
        "$previous" "$NEW_RELEASE")
    put_link "$PREVIOUS_LINK" "$previous"
    put_link "$CURRENT_LINK" "$NEW_RELEASE"
    apply_changes
    say "upgraded to $NEW_RELEASE (roll back with: install.sh --rollback)"
}

rollback() {
    local state previous upgraded backup
    state=$(target "$ROLLBACK_FILE")
    [ -f "$state" ] || die "nothing to roll back: no $ROLLBACK_FILE (no upgrade since the last rollback)"
    previous=$(setting_of "$state" PREVIOUS_RELEASE)
    upgraded=$(setting_of "$state" UPGRADED_RELEASE)
    backup=$(setting_of "$state" PRE_UPGRADE_BACKUP)
    [ -d "$(target "$previous")" ] || die "the previous release $previous is gone: cannot roll back"
    stop_apps
    put_link "$CURRENT_LINK" "$previous"
    # The database goes back to its pre-upgrade state (the old code cannot read a newer schema);
    # a station PC has none.
    [ -z "$backup" ] || run_as_app "$CURRENT_LINK/bin/playdesk" restore "$backup"
    remove_file "$PREVIOUS_LINK"
    rm -f -- "$state"
    say "removed   $ROLLBACK_FILE"
    start_apps
    say "rolled back to $previous (the upgraded release stays in $upgraded for inspection)"
}

# --- main -------------------------------------------------------------------------------------

main() {
    parse_arguments "$@"
    case $ACTION in
        install)
            ensure_packages
            ensure_user
            install_files
            ensure_release
            apply_changes
            ;;
        upgrade)
            ensure_packages
            ensure_user
            upgrade
            ;;
        rollback)
            rollback
            ;;
    esac
    if [ "$CHANGED" = 0 ] && [ "$ACTION" = install ]; then
        say "nothing changed: $ROLE $DEVICE of site $SITE is installed"
    fi
    if [ -n "$ROOT" ]; then
        say "commands recorded in ${PLAN_FILE#"$ROOT"} (under $ROOT)"
    fi
}

main "$@"
