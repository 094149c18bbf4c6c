"""Barcode scanners: every source (USB HID via evdev, a camera, stdin) pushes `Scan`s into one
`ScanStream` that the app reads on its own thread."""
