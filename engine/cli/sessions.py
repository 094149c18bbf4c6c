"""CLI commands: play sessions — session start|stop|pause|resume|show, sessions, meter
(spec/sessions.md "Command line"); `report stations` is dispatched here from packages.py's
`report`. `--at` fixes now for all of them, so a whole session plays from the command line."""

from __future__ import annotations

import datetime as dt
import math

from engine.cli.common import emit, now, open_db
from engine.errors import PlaydeskError


def register(commands) -> None:
    session = commands.add_parser("session", help="start, stop, pause, resume or show a "
                                                  "play session")
    actions = session.add_subparsers(dest="session_command", required=True, metavar="ACTION",
                                     parser_class=type(session))
    start = actions.add_parser("start", help="start a session on a station")
    start.add_argument("--station", required=True)
    who = start.add_mutually_exclusive_group(required=True)
    who.add_argument("--member")
    who.add_argument("--guest", action="store_true", help="a guest (billed at the counter)")
    start.add_argument("--staff", help="who starts it (required for a guest)")
    start.set_defaults(handler=run_start)
    for name, text in (("stop", "charge what is due and stop"), ("pause", "pause (paused time "
                       "is not charged)"), ("resume", "resume a paused session")):
        action = actions.add_parser(name, help=text)
        target = action.add_mutually_exclusive_group(required=True)
        target.add_argument("--station")
        target.add_argument("--session", help="the session id")
        action.add_argument("--staff")
        if name != "resume":
            action.add_argument("--reason")
        action.set_defaults(handler=run_change, action=name)
    move = actions.add_parser("move", help="move a session to another free station of the "
                                           "same terms")
    target = move.add_mutually_exclusive_group(required=True)
    target.add_argument("--station")
    target.add_argument("--session", help="the session id")
    move.add_argument("--to", required=True, metavar="STATION", help="the station it goes on on")
    move.add_argument("--staff", help="who moves it (required for a guest)")
    move.set_defaults(handler=run_move)
    show = actions.add_parser("show", help="a session with its charges and cover left")
    target = show.add_mutually_exclusive_group(required=True)
    target.add_argument("--station")
    target.add_argument("--session", help="the session id")
    show.set_defaults(handler=run_show)

    sessions = commands.add_parser("sessions", help="sessions with their totals")
    sessions.add_argument("--station")
    sessions.add_argument("--member")
    add_range(sessions)
    sessions.set_defaults(handler=run_sessions)

    meter = commands.add_parser("meter", help="charge every running session's due minutes")
    meter.add_argument("--once", action="store_true",
                       help="charge what is due up to now (--at), then exit")
    meter.add_argument("--every", type=float, default=1.0, metavar="SECONDS",
                       help="without --once: how often to charge (default 1)")
    meter.set_defaults(handler=run_meter)


def add_range(parser) -> None:
    parser.add_argument("--from", dest="start", metavar="D", help="ISO date or datetime")
    parser.add_argument("--to", dest="end", metavar="D",
                        help="ISO date (that whole day) or datetime (exclusive)")


def _moment(text: str | None, option: str, end: bool = False) -> dt.datetime | None:
    if text is None:
        return None
    try:
        if len(text) == 10:
            day = dt.date.fromisoformat(text)
            return dt.datetime.combine(day + dt.timedelta(days=1 if end else 0), dt.time())
        return dt.datetime.fromisoformat(text).replace(tzinfo=None)
    except ValueError:
        raise PlaydeskError(f"{option} is not an ISO date or datetime: {text!r}") from None


def _range(args) -> tuple[dt.datetime | None, dt.datetime | None]:
    start = _moment(args.start, "--from")
    end = _moment(args.end, "--to", end=True)
    if start is not None and end is not None and end <= start:
        raise PlaydeskError("--to must be after --from")
    return start, end


def run_start(args) -> None:
    from engine.sessions import lifecycle, queries

    open_db(args)
    at = now(args)
    session = lifecycle.start(args.station, at, member=args.member, guest=args.guest,
                              staff=args.staff)
    emit(queries.show(session, at))


def run_change(args) -> None:
    from engine.sessions import lifecycle, queries

    open_db(args)
    at = now(args)
    change = getattr(lifecycle, args.action)
    options = {"station": args.station, "session_id": args.session, "staff": args.staff}
    if args.action != "resume":
        options["reason"] = args.reason
    emit(queries.show(change(at, **options), at))


def run_move(args) -> None:
    from engine.sessions import queries
    from engine.sessions.move import move

    open_db(args)
    at = now(args)
    emit(queries.show(move(at, args.to, station=args.station, session_id=args.session,
                           staff=args.staff), at))


def run_show(args) -> None:
    from engine.sessions import facts, queries

    open_db(args)
    at = now(args)
    if args.session is not None:
        session = facts.session(args.session)
    else:
        from engine.sessions.terms import station_terms

        station_terms(args.station)
        session = facts.open_on_station(args.station)
        if session is None:
            raise PlaydeskError(f"no session on station {args.station}")
    emit(queries.show(session, at))


def run_sessions(args) -> None:
    from engine.sessions import queries

    open_db(args)
    start, end = _range(args)
    emit(queries.list_sessions(start, end, now(args), args.station, args.member), args)


def run_report_stations(args) -> None:
    from engine.sessions import queries

    open_db(args)
    at = now(args)
    start, end = _range(args)
    today = dt.datetime.combine(at.date(), dt.time())
    emit(queries.report_stations(start or today, end or today + dt.timedelta(days=1), at))


def run_meter(args) -> None:
    import time

    from engine.sessions import meter

    if not math.isfinite(args.every) or args.every <= 0:
        raise PlaydeskError("--every must be a number of seconds more than 0")
    open_db(args)
    if args.once:
        emit(meter.charge_due(now(args)).as_dict())
        return
    if args.at is not None:
        raise PlaydeskError("--at fixes now: give --once with it")
    while True:  # until interrupted: the service runs the same
        meter.charge_due(now(args))
        time.sleep(args.every)
