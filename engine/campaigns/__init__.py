"""Campaigns as ideas, without a database: the one vocabulary of campaign types, weekdays and
admin actions (`types`), and a campaign's state at a moment (`state`)."""
