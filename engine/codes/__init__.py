"""Codes as printed on things: the site's barcode rules (prefix/suffix per kind) and GTIN check
digits. What a scanned code *means* at the counter is `engine.sales.scan`."""
