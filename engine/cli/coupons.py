"""CLI commands: coupons — generate (the wizard), list, show, cancel, redeemable."""

from __future__ import annotations

from engine.cli.common import emit, now, open_db

GENERATED_KEYS = ("code", "campaign", "sales_type", "sales_code", "max_redemptions", "expires_on",
                  "status", "discount_type", "value")


def register(commands) -> None:
    coupons = commands.add_parser("coupons", help="generate, list, show, cancel coupons")
    actions = coupons.add_subparsers(dest="coupons_command", required=True, metavar="ACTION")

    generate = actions.add_parser("generate", help="the wizard: make coupons for a campaign")
    generate.add_argument("--campaign", required=True, metavar="C")
    generate.add_argument("--quantity", required=True, type=int, metavar="N",
                          help="coupons in all, or per customer for debtor/contact/segment")
    generate.add_argument("--validity", choices=("one_time", "multiple"), default="one_time")
    generate.add_argument("--max-redemptions", type=int, metavar="N",
                          help="with --validity multiple; 0 = unlimited")
    generate.add_argument("--sales-type", choices=("all", "debtor", "contact", "segment"),
                          default="all")
    generate.add_argument("--sales-filter", metavar="CODE",
                          help="the debtor, member (contact) or segment code")
    generate.add_argument("--expires", metavar="FORMULA|DATE",
                          help="a BC date formula (+3M, CM, D15...) or YYYY-MM-DD")
    generate.add_argument("--multiple-per-customer", action="store_true",
                          help="also for customers who already have a coupon of the campaign")
    generate.add_argument("--discount-type", choices=("discount", "reduce"))
    generate.add_argument("--value", metavar="V",
                          help="percent for discount, amount in minor units for reduce")
    generate.add_argument("--text", help="the printed text (default: the campaign's name)")
    generate.add_argument("--image", help="the printed image")
    generate.add_argument("--staff", metavar="S", help="who generates them (created_by)")
    generate.set_defaults(handler=run_generate)

    listing = actions.add_parser("list", help="coupons with redemptions and status")
    listing.add_argument("--campaign", metavar="C")
    listing.add_argument("--status", metavar="S", choices=("issued", "redeemed", "canceled"))
    listing.set_defaults(handler=run_list)

    show = actions.add_parser("show", help="one coupon with its redemptions")
    show.add_argument("code", metavar="CODE", help="a coupon code or coupon barcode")
    show.set_defaults(handler=run_show)

    cancel = actions.add_parser("cancel", help="cancel a coupon")
    cancel.add_argument("code", metavar="CODE", help="a coupon code or coupon barcode")
    cancel.add_argument("--staff", metavar="S", help="who cancels it")
    cancel.set_defaults(handler=run_cancel)

    redeemable = actions.add_parser("redeemable", help="what a member can redeem now")
    redeemable.add_argument("--member", required=True, metavar="M")
    redeemable.set_defaults(handler=run_redeemable)


def run_generate(args) -> None:
    from engine.coupons.wizard import generate

    open_db(args)
    made = generate(args.campaign, args.quantity, now(args), created_by=args.staff,
                    validity=args.validity, max_redemptions=args.max_redemptions,
                    sales_type=args.sales_type, sales_filter=args.sales_filter,
                    expires=args.expires, multiple_per_customer=args.multiple_per_customer,
                    discount_type=args.discount_type, value=args.value, text=args.text,
                    image=args.image)
    emit([{key: getattr(coupon, key) for key in GENERATED_KEYS} for coupon in made], args)


def run_list(args) -> None:
    from engine.coupons.queries import coupon_view, list_coupons

    open_db(args)
    at = now(args)
    emit([coupon_view(coupon, at) for coupon in list_coupons(args.campaign, args.status)], args)


def run_show(args) -> None:
    from engine.coupons.queries import show

    open_db(args)
    emit(show(args.code, now(args)), args)


def run_cancel(args) -> None:
    from engine.coupons.cancel import cancel
    from engine.coupons.queries import coupon_view

    open_db(args)
    at = now(args)
    emit(coupon_view(cancel(args.code, at, staff=args.staff), at), args)


def run_redeemable(args) -> None:
    from engine.coupons.notification import redeemable

    open_db(args)
    emit(redeemable(args.member, now(args)), args)
