"""The day closing (spec/tax.md "Day closing"): the day report, the Z closings."""
