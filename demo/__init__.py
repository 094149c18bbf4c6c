"""The demo site: `make demo` runs `python -m demo.run`."""
