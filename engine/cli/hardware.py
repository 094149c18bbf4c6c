"""CLI commands: hardware — `scan --image`, `resolve`, `print` (receipt, coupon, purchase, shift,
refund, jobs, queue, status, retry, reprint).

Printing goes through the spool in `var/prints/` (`--spool`): a job is stored before it is sent,
stays queued when the printer is offline, out of paper or jammed (exit 2, the JSON still says
which job waits), `print queue` lists what waits and `print retry` sends it. `--reprint` prints a
document again marked as a copy (engine/documents/copies.py); `print status --to TARGET` asks the
printer how it is (DLE EOT; a file: printer answers from its status file).
`--to png:FILE` renders a preview instead.
The printer profile comes from the `printer` setting ({"paper": 58, "code_page": "CP1252", ...}),
overridden by `--paper` and `--code-page`.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from engine.cli.common import emit, now, open_db
from engine.errors import NotFound, PlaydeskError

PRINTER_SETTING = "printer"


def register(commands) -> None:
    scan = commands.add_parser("scan", help="decode the barcodes in an image")
    scan.add_argument("--image", required=True, help="an image file (PNG, JPEG, ...)")
    scan.add_argument("--formats", nargs="+", default=None, metavar="FORMAT",
                      help="EAN13 EAN8 CODE128 QRCODE UPCA UPCE CODE39 I25 (default: the first 4)")
    scan.add_argument("--backend", choices=["pyzbar", "zxing"], default="pyzbar")
    scan.set_defaults(handler=scan_image)

    resolve = commands.add_parser("resolve", help="what a scanned code means")
    resolve.add_argument("code")
    resolve.set_defaults(handler=resolve_code)

    printing = commands.add_parser("print", help="print (or preview) a document; the job spool")
    documents = printing.add_subparsers(dest="document", required=True, metavar="DOCUMENT")
    for name, what in [("receipt", "a receipt id"), ("coupon", "a coupon code"),
                       ("purchase", "a purchase id"), ("shift", "a shift"),
                       ("refund", "a receipt refund id (its refund slip)"),
                       ("member-card", "a member code (the member card slip)"),
                       ("day", "a day closing id, e.g. COUNTER1-Z3 (its Z report)")]:
        parser = documents.add_parser(name, help=f"print {what}")
        parser.add_argument("ref", metavar=name.upper(), help=what)
        parser.add_argument("--to", required=True, metavar="TARGET",
                            help="png:FILE | file:PATH | usb:VID:PID | serial:DEV | "
                                 "network:HOST[:PORT]")
        parser.add_argument("--drawer", action="store_true", help="kick the cash drawer open")
        parser.add_argument("--reprint", action="store_true",
                            help="a copy: marked COPY on paper, the drawer stays shut")
        parser.add_argument("--staff", help="who reprints (recorded with --reprint)")
        _printer_options(parser)
        parser.set_defaults(handler=print_document_command)

    jobs = documents.add_parser("jobs", help="the print spool: queued and sent jobs")
    jobs.add_argument("--status", choices=["queued", "sent"])
    jobs.add_argument("--spool", default="var/prints", help="spool folder (default var/prints)")
    jobs.set_defaults(handler=list_jobs)

    waiting = documents.add_parser("queue", help="the jobs that wait for their printer")
    waiting.add_argument("--spool", default="var/prints", help="spool folder (default var/prints)")
    waiting.set_defaults(handler=list_queue)

    asked = documents.add_parser("status", help="ask a printer how it is (paper, offline, ...)")
    asked.add_argument("--to", required=True, metavar="TARGET",
                       help="file:PATH | usb:VID:PID | serial:DEV | network:HOST[:PORT]")
    asked.add_argument("--paper", type=int, choices=[58, 80], help="paper width in mm")
    asked.add_argument("--code-page", help="e.g. CP858 (default) or CP1252")
    asked.set_defaults(handler=printer_status_command)

    retry = documents.add_parser("retry", help="send every queued job, oldest first")
    _printer_options(retry)
    retry.set_defaults(handler=retry_jobs)

    reprint = documents.add_parser("reprint", help="print a spooled job again, byte for byte")
    reprint.add_argument("job")
    reprint.add_argument("--to", metavar="TARGET", help="another printer (default: the job's)")
    reprint.add_argument("--staff", help="who reprints (recorded)")
    _printer_options(reprint)
    reprint.set_defaults(handler=reprint_job)


def _printer_options(parser) -> None:
    parser.add_argument("--paper", type=int, choices=[58, 80], help="paper width in mm")
    parser.add_argument("--code-page", help="e.g. CP858 (default) or CP1252")
    parser.add_argument("--spool", default="var/prints", help="spool folder (default var/prints)")


# --- scanning ------------------------------------------------------------------------------


def scan_image(args) -> None:
    from hardware.scanners.camera import DEFAULT_FORMATS, FormatError, decode_image

    if not Path(args.image).is_file():
        raise PlaydeskError(f"no image file {args.image}")
    try:
        found = decode_image(args.image, args.formats or DEFAULT_FORMATS, backend=args.backend)
    except FormatError as error:
        raise PlaydeskError(str(error)) from None
    except OSError as error:
        raise PlaydeskError(str(error)) from None
    emit([decoded.as_dict() for decoded in found], args)


def resolve_code(args) -> None:
    from engine.sales.scan import resolve

    open_db(args)
    emit(resolve(args.code).as_dict(), args)


# --- printing ------------------------------------------------------------------------------


def _profile(args):
    from engine.settings import setting
    from hardware.printing.profile import ProfileError, profile_from

    settings = setting(PRINTER_SETTING, {})
    if not isinstance(settings, dict):
        raise PlaydeskError(f"setting {PRINTER_SETTING!r} must be a mapping")
    if args.paper:
        settings["paper"] = args.paper
    if args.code_page:
        settings["code_page"] = args.code_page
    try:
        return profile_from(settings)
    except ProfileError as error:
        raise PlaydeskError(str(error)) from None


def _spool(args):
    from hardware.printing.queue import Spool

    try:
        return Spool(Path(args.spool))
    except OSError as error:
        raise PlaydeskError(f"cannot use the print spool {args.spool}: "
                            f"{error.strerror or error}") from None


@contextmanager
def spool_problems(args) -> Iterator[None]:
    """A damaged job file or a spool folder that cannot be written: exit 2, saying which."""
    from hardware.printing.queue import DamagedJob

    try:
        yield
    except DamagedJob as error:
        raise PlaydeskError(str(error)) from None
    except OSError as error:
        raise PlaydeskError(f"print spool {args.spool}: {error}") from None


def _document(kind: str, ref: str, args):
    from engine import documents
    from engine.sales.shifts import shift_report

    if kind == "receipt":
        return documents.receipt_document(ref)
    if kind == "coupon":
        return documents.coupon_document(ref)
    if kind == "purchase":
        return documents.purchase_slip(ref)
    if kind == "refund":
        return documents.refund_slip(ref)
    if kind == "day":
        from engine.documents.day import day_document

        return day_document(ref)
    if kind == "member-card":
        from engine.documents.member_card import member_card_slip

        return member_card_slip(ref, now(args))
    at = now(args)
    return documents.shift_report(shift_report(ref, at), at)


def _job_answer(job, args) -> int:
    """Emit the job; exit 2 (with the reason on stderr) when it is still waiting."""
    emit(job.as_dict(), args)
    if job.status == "sent":
        return 0
    print(f"playdesk: error: {job.last_error}; job {job.id} stays queued "
          f"(playdesk print retry)", file=sys.stderr)
    return 2


def print_document_command(args) -> int:
    from hardware.printing.connections import TargetError

    open_db(args)
    profile = _profile(args)
    document = _document(args.document, args.ref, args)
    if args.reprint:
        from engine.documents.copies import as_copy

        if args.drawer:
            raise PlaydeskError("a reprint does not open the cash drawer: leave out --drawer")
        if args.staff is not None:
            from engine.people.staff import require_role

            require_role(args.staff, "cashier", "reprinting")  # before anything prints
        document = as_copy(document, now(args))
    if args.to.startswith("png:"):
        from hardware.printing.preview import save_preview

        if not args.to[4:]:
            raise PlaydeskError("png: needs a file name, e.g. png:receipt.png")
        try:
            path = save_preview(document, profile, Path(args.to[4:]))
        except OSError as error:
            raise PlaydeskError(f"cannot write the preview {args.to[4:]}: "
                                f"{error.strerror or error}") from None
        emit({"document": document.kind, "ref": args.ref, "png": str(path),
              "paper": profile.paper_mm, **({"reprint": True} if args.reprint else {})}, args)
        return 0
    from hardware.printing.worker import print_document

    try:
        with spool_problems(args):
            job = print_document(_spool(args), document, args.to, profile, now(args),
                                 drawer=args.drawer)
    except TargetError as error:
        raise PlaydeskError(str(error)) from None
    if args.reprint:  # printed or queued: a copy exists, recorded as a Reprint fact
        from engine.documents.copies import record_reprint

        record_reprint(document.kind, document.reference, args.staff, now(args))
    return _job_answer(job, args)


def list_jobs(args) -> None:
    with spool_problems(args):
        jobs = _spool(args).jobs(args.status)
    emit([job.as_dict() for job in jobs], args)


def list_queue(args) -> None:
    with spool_problems(args):
        jobs = _spool(args).jobs("queued")
    emit([job.as_dict() for job in jobs], args)


def printer_status_command(args) -> int:
    """The printer's answer; exit 2 when it cannot print now (the JSON says why)."""
    from hardware.printing.connections import TargetError, parse_target, status

    if args.to.startswith("png:"):
        raise PlaydeskError("a png: preview has no status; name a printer (file:, usb:, ...)")
    try:
        target = parse_target(args.to)
    except TargetError as error:
        raise PlaydeskError(str(error)) from None
    open_db(args)
    seen = status(target, _profile(args))
    emit({"target": str(target), **seen.as_dict()}, args)
    if seen.printable:
        return 0
    print(f"playdesk: error: {target}: {seen.message}", file=sys.stderr)
    return 2


def retry_jobs(args) -> int:
    open_db(args)
    profile, at = _profile(args), now(args)
    with spool_problems(args):
        results = _spool(args).retry(at, profile)
    emit([job.as_dict() for job in results], args)
    waiting = [job for job in results if job.status != "sent"]
    if waiting:
        print(f"playdesk: error: {len(waiting)} job(s) still queued: {waiting[0].last_error}",
              file=sys.stderr)
        return 2
    return 0


def reprint_job(args) -> int:
    from engine.documents.copies import record_reprint
    from engine.people.staff import require_role
    from hardware.printing.connections import TargetError
    from hardware.printing.queue import JobNotFound

    open_db(args)
    profile, at = _profile(args), now(args)
    if args.staff is not None:
        require_role(args.staff, "cashier", "reprinting")  # before anything prints
    try:
        with spool_problems(args):
            job = _spool(args).reprint(args.job, at, profile, target=args.to)
    except JobNotFound:
        raise NotFound(f"no print job {args.job!r}") from None
    except TargetError as error:
        raise PlaydeskError(str(error)) from None
    record_reprint(job.document, job.reference, args.staff, at)
    return _job_answer(job, args)
