"""Coupons: codes with a check character, BC date formulas, coupon-level validity, the generation
wizard, and list/show/cancel/redeemable. Redemption itself happens in pricing and checkout."""
