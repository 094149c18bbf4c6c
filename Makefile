# Two commands on a fresh Debian 12 / Raspberry Pi OS (bookworm): `make demo` and `make test`.
# Each installs what it needs (apt packages, a venv) and is a quick no-op the second time.

SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
APT_PACKAGES := mosquitto mosquitto-clients xvfb xauth libzbar0 libgl1 libegl1 libgles2 \
                libmtdev1 libsdl2-2.0-0 libsdl2-image-2.0-0 libsdl2-ttf-2.0-0 libsdl2-mixer-2.0-0 \
                fonts-dejavu-core xclip python3-venv python3-dev build-essential linux-libc-dev \
                shellcheck systemd
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test lint bench apt venv clean install lock wheelhouse catalogs mo

# `make demo LOCALE=de_DE` (or tr_TR) shows the demo site in another language
demo: apt venv
	$(PY) -m demo.run $(if $(LOCALE),--locale $(LOCALE))

test: apt venv lint
	$(VENV)/bin/pytest

lint: venv
	$(VENV)/bin/ruff check .

bench: apt venv
	$(PY) -m bench

apt:
	@missing=$$(for p in $(APT_PACKAGES); do \
	    dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	    echo "installing apt packages: $$missing"; \
	    $(SUDO) apt-get update -q && \
	    DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends $$missing; \
	fi

venv: $(VENV)/.installed

# Installs from uv.lock only, every file hash-checked (docs/dependencies.md): the build tools
# first, then the locked packages without resolving anything, then the project itself.
$(VENV)/.installed: uv.lock pyproject.toml systemd/locked_requirements.py
	@python3 -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' || \
	    { echo "playdesk is locked for CPython 3.11 (Debian 12 bookworm); python3 is $$(python3 -V)"; exit 2; }
	[ -x $(PY) ] || python3 -m venv $(VENV)
	python3 systemd/locked_requirements.py uv.lock --only-group --group build > $(VENV)/build.txt
	python3 systemd/locked_requirements.py uv.lock --extra test --extra zxing > $(VENV)/dev.txt
	$(PY) -m pip install -q --require-hashes --no-deps -r $(VENV)/build.txt
	$(PY) -m pip install -q --require-hashes --no-deps --no-build-isolation -r $(VENV)/dev.txt
	$(PY) -m pip install -q --no-deps --no-build-isolation -e .
	$(PY) -m pip check
	$(MAKE) --no-print-directory mo
	touch $@

# The translations (engine/i18n/locales): `make catalogs` extracts every text the apps show or
# print (Babel, engine/i18n/babel.cfg) into playdesk.pot and merges it into each language's .po;
# `make mo` compiles the .po files to the .mo files the apps read (done by `make venv`).
LOCALES := engine/i18n/locales
catalogs: venv
	$(VENV)/bin/pybabel -q extract -F engine/i18n/babel.cfg --no-location --sort-output \
	    --project playdesk --copyright-holder playdesk -o $(LOCALES)/playdesk.pot \
	    engine hardware uikit kiosk counter
	for lang in de tr; do \
	    if [ -f $(LOCALES)/$$lang/LC_MESSAGES/playdesk.po ]; then \
	        $(VENV)/bin/pybabel -q update --no-fuzzy-matching --ignore-obsolete -D playdesk \
	            -i $(LOCALES)/playdesk.pot -d $(LOCALES) -l $$lang; \
	    else $(VENV)/bin/pybabel -q init -D playdesk -i $(LOCALES)/playdesk.pot -d $(LOCALES) -l $$lang; fi; \
	done
	$(MAKE) --no-print-directory mo

mo:
	$(PY) -m engine.i18n.compile

# Update the lock (newest versions within pyproject's ranges); `make test` is the gate.
UV_VERSION := 0.13.9
lock:
	[ -x .uv/bin/uv ] || { python3 -m venv .uv && .uv/bin/pip install -q uv==$(UV_VERSION); }
	.uv/bin/uv lock --upgrade

# The wheels of a release for an offline install or upgrade (a USB stick): per architecture,
# every file of the appliance's locked packages (evdev as its locked source, built on the Pi),
# then `install.sh --wheelhouse DIR/<arch>` installs with no index at all.
WHEELHOUSE ?= wheelhouse
ARCHES ?= x86_64 aarch64
wheelhouse:
	mkdir -p $(WHEELHOUSE)
	python3 systemd/locked_requirements.py uv.lock --extra zxing > $(WHEELHOUSE)/requirements.txt
	python3 systemd/locked_requirements.py uv.lock --only-group --group build > $(WHEELHOUSE)/build-requirements.txt
	for arch in $(ARCHES); do \
	    python3 -m pip download -q --no-deps --require-hashes -d $(WHEELHOUSE)/$$arch \
	        --python-version 3.11 --implementation cp --abi cp311 --abi abi3 --abi none \
	        $$(for m in $$(seq 36 -1 17); do echo --platform manylinux_2_$${m}_$$arch; done) \
	        --platform manylinux2014_$$arch --platform linux_$$arch --platform any \
	        -r $(WHEELHOUSE)/requirements.txt -r $(WHEELHOUSE)/build-requirements.txt || exit 1; \
	done

# A Raspberry Pi becomes an appliance: make install ROLE=kiosk|counter SITE=DEMO DEVICE=KIOSK1 BROKER=host
install:
	$(SUDO) ./systemd/install.sh --role $(ROLE) --site $(SITE) --device $(DEVICE) --broker $(BROKER) $(if $(PRINTER),--printer $(PRINTER)) $(if $(PRINTER_PROFILE),--printer-profile $(PRINTER_PROFILE))

clean:
	rm -rf $(VENV) .uv wheelhouse var build *.egg-info
