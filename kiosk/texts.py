"""Every text the kiosk shows, in one place, ready for translation.

Keys are stable names; values are English (the gettext source: engine/i18n/locales holds the
German and Turkish). `text(key, **values)` formats one in the language in use; `use(language)`
switches it.
"""

from __future__ import annotations

from uikit.texts import Texts

TEXTS: dict[str, str] = {
    # header
    "offline": "Offline",
    "clock_warning": "Clock problem: {warning}",
    "log_out": "Log out",
    "hello": "Hello, {name}",
    # the language button (issue 20): each language is named in its own words
    "language_question": "Choose your language",
    # attract
    "attract_title": "Welcome to {site}",
    "attract_scan": "Scan your card to start",
    "attract_campaigns": "Now on offer",
    "attract_no_campaigns": "Ask at the counter about our offers.",
    "attract_pin_login": "No card? Log in with code and PIN",
    # login
    "login_code_title": "Type your member code",
    "login_pin_title": "Type your PIN",
    "login_next": "Next",
    "login_back": "Back",
    "login_cancel": "Cancel",
    "login_submit": "Log in",
    "login_checking": "Checking…",
    "login_need_code": "Please type your member code first.",
    "login_need_pin": "Your PIN has 4 to 8 digits.",
    # login refusals, by engine.people.logins reason
    "refused_unknown_card": "We do not know this card. Please ask at the counter.",
    "refused_unknown_member": "No member has this code. Check it, or ask at the counter.",
    "refused_wrong_pin": "Wrong PIN. {tries_left} tries left.",
    "refused_wrong_pin_last": "Wrong PIN. 1 try left before the kiosk locks.",
    "refused_no_pin": "You have no PIN yet. Scan your card, or ask at the counter.",
    "refused_inactive": "Your membership is not active. Please ask at the counter.",
    "refused_no_login": "Your membership cannot use the kiosk. Please ask at the counter.",
    "refused_locked": "Too many wrong PINs. Try again after {until}, or ask at the counter.",
    "refused_wait": "Too many tries at this kiosk. Please wait a moment, or scan your card.",
    "login_wait": "Too many tries at this kiosk: the next try in {seconds} s. Your card works at once.",
    "scan_not_a_card": "That was not a member card.",
    # home
    "home_wallet": "Wallet",
    "home_minutes": "Play time",
    "home_paid": "Paid",
    "home_bonus": "Bonus",
    "home_other": "Other",
    "home_play": "You can play",
    "home_play_group": "{name}: {minutes}",
    "home_session_running": "You are playing on {station} · {left} left",
    "home_session_warning": "You are playing on {station} · only {left} left",
    "home_session_paused": "Your session on {station} is paused · {left} left",
    "home_expiring": "Expiring within 7 days",
    "home_nothing_expiring": "Nothing expires within 7 days.",
    "home_expiring_line": "{amount} on {date}",
    "home_buy": "Buy packages",
    "home_history": "History",
    # packages
    "packages_title": "Packages for you",
    "packages_none": "Nothing can be bought here right now. Please ask at the counter.",
    "packages_choose": "Choose",
    "package_minutes": "{amount} play time",
    "package_money": "{amount} wallet credit",
    "package_bonus": "+ {amount} bonus",
    "package_device_pc": "PC only",
    "package_device_console": "Console only",
    "package_device_any": "PC and console",
    "package_valid_days": "Valid {days} days",
    "package_valid_always": "Never expires",
    "package_days": "Only on {days}",
    "back": "Back",
    # confirm
    "confirm_title": "Buy {package}?",
    "confirm_price": "Price: {price}",
    "confirm_wallet_balance": "Your wallet: {amount}",
    "confirm_pay_wallet": "Pay {price} from my wallet",
    "confirm_pay_counter": "Pay at the counter",
    "confirm_working": "One moment…",
    "confirm_failed": "This did not work: {reason}",
    "confirm_insufficient": "Your wallet does not have enough for this. You can pay at the "
                            "counter instead.",
    "confirm_wallet_short": "Your wallet has {wallet} — this costs {price}. You can pay at the "
                            "counter.",
    # the PIN again before a wallet purchase (after a card login)
    "wallet_pin_title": "Type your PIN to pay {price} from your wallet",
    "wallet_pin_pay": "Pay",
    "wallet_pin_need": "Your PIN has 4 to 8 digits.",
    # done
    "done_title": "Thank you!",
    "done_bought": "You bought {package} for {price}.",
    "done_new_balance": "Now: wallet {money}, play time {minutes}",
    "done_slip_printed": "Your slip is printing.",
    "done_slip_failed": "Your slip could not be printed — ask at the counter. Your purchase is "
                        "saved.",
    "done_ok": "OK",
    "done_buy_more": "Buy more",
    "done_finish": "Done",
    "done_logout_countdown": "Logging out in {seconds} s",
    "idle_countdown": "Logging out in {seconds} s — touch to stay",
    "ticket_title": "Pay at the counter",
    "ticket_show": "Show this code at the counter within 30 minutes.",
    "ticket_code": "Order {code}",
    "ticket_printed": "Your ticket is printing; take it with you.",
    "ticket_print_failed": "Your ticket could not be printed — show this screen at the counter.",
    "ticket_until": "Valid until {time}",
    # history
    "history_title": "Your history",
    "history_none": "No purchases or play time yet.",
    "history_purchase": "{date}  Bought {package}  {price}",
    "history_use": "{date}  Used {amount}",
    "history_refund": "{date}  Refunded {amount}",
    "history_correction": "{date}  Corrected {amount}",
    # units
    "hours": "h",
    "minutes": "min",
    "weekday_mon": "Mon", "weekday_tue": "Tue", "weekday_wed": "Wed", "weekday_thu": "Thu",
    "weekday_fri": "Fri", "weekday_sat": "Sat", "weekday_sun": "Sun",
}

catalogue = _catalogue = Texts(TEXTS)
use = _catalogue.use
text = _catalogue.text
