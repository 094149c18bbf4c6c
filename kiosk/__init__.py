"""The member kiosk: a Kivy app that only displays and calls the engine."""
