"""Devices: barcode scanners and receipt printers. Knows `engine.documents.types` (plain data, no
database) and nothing else of the engine, so the apps can hand it documents and scans flow back
as plain text."""
