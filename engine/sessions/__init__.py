"""Play sessions (spec/sessions.md): a member or a guest on a station, from start to stop, and
the meter that charges its started minutes from the member's lots.

`timeline` (pure: running time, started minutes, minute boundaries), `terms` (a station and its
group's terms), `facts` (a session as recorded), `charging` (what a minute costs, the cover
left, charging one minute), `lifecycle` (start, pause, resume, stop), `meter` (charge every
running session up to a time), `queries` (show, list, report). Sessions sit above entitlements
and sync (they spend credit through the authority) and below sales (a guest's time becomes a
receipt line there).
"""
