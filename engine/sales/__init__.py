"""Sales at the counter: the receipt file, checkout (recording a priced receipt), entries and
receipt queries. Pricing itself is `engine.pricing`."""
