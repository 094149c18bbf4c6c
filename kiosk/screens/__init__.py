"""One module and one .kv layout per kiosk screen; `show()` fills the layout from the engine."""
