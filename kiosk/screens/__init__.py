"""One module per kiosk screen; each builds its widgets in `show()` from what the engine says."""
