"""Appliance operations: database backup and restore, the clock check at start."""
