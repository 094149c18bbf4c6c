# Two commands on a fresh Debian 12 / Raspberry Pi OS (bookworm): `make demo` and `make test`.
# Each installs what it needs (apt packages, a venv) and is a quick no-op the second time.

SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
APT_PACKAGES := mosquitto mosquitto-clients xvfb xauth libzbar0 libgl1 libegl1 libgles2 \
                libmtdev1 libsdl2-2.0-0 libsdl2-image-2.0-0 libsdl2-ttf-2.0-0 libsdl2-mixer-2.0-0 \
                fonts-dejavu-core xclip python3-venv python3-dev build-essential shellcheck systemd
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test lint bench apt venv clean install

demo: apt venv
	$(PY) -m demo.run

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

$(VENV)/.installed: pyproject.toml
	[ -x $(PY) ] || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test,zxing]'
	touch $@

# A Raspberry Pi becomes an appliance: make install ROLE=kiosk|counter SITE=DEMO DEVICE=KIOSK1 BROKER=host
install:
	$(SUDO) ./systemd/install.sh --role $(ROLE) --site $(SITE) --device $(DEVICE) --broker $(BROKER) $(if $(PRINTER),--printer $(PRINTER)) $(if $(PRINTER_PROFILE),--printer-profile $(PRINTER_PROFILE))

clean:
	rm -rf $(VENV) var build *.egg-info
