"""Touch widgets and helpers shared by the kiosk and the counter apps (Kivy only, no engine
decisions): big buttons, keypads, amount labels, the scanner-to-UI bridge, the idle timer, the
database change watcher and screenshots."""
