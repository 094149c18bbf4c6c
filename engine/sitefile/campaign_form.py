"""A manager's campaign form → a partial site document → the site engine.

Whatever the counter's manager screens save goes through the same path as a site file: the form's
text fields become one campaign record (plus the combination pairs it names), dumped as YAML and
validated by `engine.sitefile.validate_text`, then applied by `apply_document` — so every rule of
the site file holds here too, the lock on active discount campaigns included, and the change is
journaled as a `definitions` event for the other devices.

Form values are text, keyed by site-file paths ("value", "validity.from_date",
"coupon_issue.active"). Lists of records (packages, filters, tiers, free lines, triggers) are one
record per text line written as `key=value` pairs, e.g. a filter line
`type=item code=WATER excluded=yes`, a tier line `from_quantity=3 value=5 usage=single`, a trigger
line `kind=pool min_quantity=2 lines=item_category:SNACKS,item:COLA*2` (`*N` = quantity).
Quote values with spaces: `name="Two hours"`. An empty field means the site file's default.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import shlex
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml

from engine.campaigns.types import CAMPAIGN_TYPES
from engine.errors import N_, NotFound, PlaydeskError
from engine.models import Campaign
from engine.people.staff import require_role
from engine.sitefile import apply_document, validate_text
from engine.sitefile.campaign_admin import change_campaign
from engine.sitefile.export import export_document
from engine.sitefile.schema import CAMPAIGNS, Record
from engine.sitefile.store import read_combinations


@dataclass(frozen=True)
class FormField:
    path: str  # "value", "validity.from_date", ...
    # text | choice | int | number | bool | date | datetime | time | list | lines | triggers
    kind: str
    hint: str = ""
    choices: tuple[str, ...] = ()  # a choice's values or a bool's yes/no (from the site schema)
    default: str = ""  # the site file's default, as form text ("" = none)


COMMON = (FormField("code", "text", "A-Z 0-9 _ - ."), FormField("name", "text"),
          FormField("description", "text"))
DISCOUNT = (
    FormField("automatic", "bool", "yes: applies by itself; no: needs a code or coupon"),
    FormField("priority", "int", "lower runs first (100)"),
    FormField("category", "text", "a category campaign's code"),
    FormField("print_type", "choice"),
    FormField("notification_type", "choice"),
    FormField("overpayment_allowed", "bool"),
    FormField("validity.from_date", "date", "YYYY-MM-DD"),
    FormField("validity.to_date", "date", "YYYY-MM-DD"),
    FormField("validity.from_time", "time", "HH:MM"),
    FormField("validity.to_time", "time", "HH:MM"),
    FormField("validity.weekdays", "list", "mon,tue,..."),
    FormField("validity.from_quantity", "int"),
    FormField("validity.from_amount", "int", "minor units"),
    FormField("validity.item_validity", "choice"),
    FormField("filters", "lines", "type=item_category code=DRINKS [excluded=yes]"),
    FormField("triggers", "triggers", "kind=pool min_quantity=2 lines=item_category:SNACKS"),
    FormField("coupon_issue.active", "bool", "issue a coupon instead of reducing"),
    FormField("coupon_issue.text", "text"),
    FormField("coupon_issue.expiration", "text", "+3M or YYYY-MM-DD"),
    FormField("combinations", "list", "campaign or category codes it combines with"),
)
TYPE_FIELDS: dict[str, tuple[FormField, ...]] = {
    "packages": (FormField("starts_at", "datetime", "YYYY-MM-DDTHH:MM"),
                 FormField("expires_at", "datetime", "YYYY-MM-DDTHH:MM"),
                 FormField("packages", "lines", "code=STD name=Standard package_type=minutes "
                                                "base=120 price=900 tax=A [bonus_type=minutes bonus=30]")),
    "category": (FormField("priority", "int", "lower runs first (100)"),),
    "line_discount": (FormField("value", "number", "percent"),),
    "receipt_discount": (FormField("value", "number", "percent"),),
    "line_reduce": (FormField("value", "int", "minor units per unit"),),
    "receipt_reduce": (FormField("value", "int", "minor units"),),
    "tiered_discount": (FormField("tiers", "lines", "from_quantity=3 value=5 usage=single"),),
    "tiered_reduce": (FormField("tiers", "lines", "from_amount=2000 value=100 usage=single"),),
    "m_for_n": (FormField("buy", "int"), FormField("pay", "int"),
                FormField("usage", "choice")),
    "m_plus_n": (FormField("buy", "int"), FormField("get", "int"),
                 FormField("from_amount", "int", "minor units"),
                 FormField("usage", "choice"),
                 FormField("reduction_type", "choice"),
                 FormField("set_usage", "bool"),
                 FormField("free", "lines", "type=item_category code=DRINKS")),
    "couponing": (),
}
CHILD_LISTS = ("packages", "filters", "tiers", "free")
TRUE = ("yes", "true", "on", "1")
FALSE = ("no", "false", "off", "0")


def form_fields(campaign_type: str) -> tuple[FormField, ...]:
    """The form's fields for a campaign type, each with its choices and default from the site
    schema (so the counter's buttons offer exactly what a site file accepts)."""
    if campaign_type not in TYPE_FIELDS:
        raise PlaydeskError(N_("unknown campaign type {campaign_type!r} "
                               "(one of {types})"),
                            campaign_type=campaign_type, types=", ".join(CAMPAIGN_TYPES))
    extra = TYPE_FIELDS[campaign_type]
    fields = COMMON + extra if campaign_type in ("packages", "category") else (
        COMMON + extra + DISCOUNT)
    return tuple(_from_schema(campaign_type, spec) for spec in fields)


def _schema_field(campaign_type: str, path: str) -> Any:
    """The site schema's Field at a dotted path of a campaign record (None if absent)."""
    record: Any = CAMPAIGNS[campaign_type]
    field = None
    for part in path.split("."):
        if not isinstance(record, Record) or part not in record.fields:
            return None
        field = record.fields[part]
        record = field.check
    return field


def _enum_choices(check: Any) -> tuple[str, ...]:
    """The values an `engine.sitefile.fields.enum` checker accepts (none for other checkers)."""
    return tuple(getattr(check, "choices", ()))


def _from_schema(campaign_type: str, spec: FormField) -> FormField:
    field = _schema_field(campaign_type, spec.path)
    if field is None:
        return spec
    default = "" if field.default is None or isinstance(field.default, (dict, list)) else (
        _text(field.default))
    if spec.kind == "bool":
        return dataclasses.replace(spec, choices=("yes", "no"), default=default)
    if spec.kind == "choice":
        choices = _enum_choices(field.check)
        if not choices:
            raise RuntimeError(f"{campaign_type}.{spec.path} is not a choice in the site schema")
        return dataclasses.replace(spec, choices=choices, default=default)
    return spec


# --- text → values -----------------------------------------------------------------------------


def _scalar(text: str) -> Any:
    """A value inside a list line: a whole number, a decimal, yes/no, or text."""
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if re.fullmatch(r"-?\d+\.\d+", text):
        return Decimal(text)
    if text.lower() in ("yes", "true"):
        return True
    if text.lower() in ("no", "false"):
        return False
    return text


def _pairs(line: str, where: str) -> dict[str, Any]:
    try:
        words = shlex.split(line)
    except ValueError as error:
        raise PlaydeskError(N_("{where}: {error}"), where=where, error=error) from None
    record: dict[str, Any] = {}
    for word in words:
        key, equals, value = word.partition("=")
        if not equals or not key:
            raise PlaydeskError(N_("{where}: {word!r} is not key=value"), where=where, word=word)
        record[key] = value.split(",") if key == "weekdays" else _scalar(value)
        if key == "code":
            record[key] = value  # a code stays text even when it is all digits
    return record


def _trigger_lines(text: str, where: str) -> list[dict[str, Any]]:
    lines = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        kind, colon, code = part.partition(":")
        if not colon:
            raise PlaydeskError(N_("{where}: trigger line {part!r} is not type:code[*quantity]"),
                                where=where, part=part)
        code, star, quantity = code.partition("*")
        line: dict[str, Any] = {"type": kind, "code": code}
        if star:
            line["quantity"] = _scalar(quantity)
        lines.append(line)
    return lines


def _triggers(text: str, where: str) -> dict[str, list]:
    triggers: dict[str, list] = {"pool": [], "set": []}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        record = _pairs(line, f"{where} line {number}")
        kind = record.pop("kind", None)
        if kind not in ("pool", "set"):
            raise PlaydeskError(N_("{where} line {number}: kind must be pool or set"),
                                where=where, number=number)
        record["lines"] = _trigger_lines(str(record.get("lines", "")), f"{where} line {number}")
        triggers[kind].append(record)
    return triggers


def _value(spec: FormField, text: str) -> Any:
    where = spec.path
    if spec.kind == "lines":
        return [_pairs(line, f"{where} line {n}")
                for n, line in enumerate(text.splitlines(), start=1) if line.strip()]
    if spec.kind == "triggers":
        return _triggers(text, where)
    text = text.strip()
    if spec.kind == "int":
        if not re.fullmatch(r"-?\d+", text):
            raise PlaydeskError(N_("{where}: {text!r} is not a whole number"),
                                where=where, text=text)
        return int(text)
    if spec.kind == "number":
        try:
            number = Decimal(text.replace(",", "."))
        except InvalidOperation:
            raise PlaydeskError(N_("{where}: {text!r} is not a number"),
                                where=where, text=text) from None
        return int(number) if number == number.to_integral_value() else number
    if spec.kind == "bool":
        if text.lower() not in TRUE + FALSE:
            raise PlaydeskError(N_("{where}: answer yes or no, not {text!r}"),
                                where=where, text=text)
        return text.lower() in TRUE
    if spec.kind == "date":
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise PlaydeskError(N_("{where}: {text!r} is not a date YYYY-MM-DD"),
                                where=where, text=text) from None
    if spec.kind == "list":
        return [part.strip() for part in text.split(",") if part.strip()]
    return text  # text, time, datetime: the site validator checks their form


def record_from_form(campaign_type: str, values: dict[str, str]) -> dict[str, Any]:
    """The site-file campaign record (and `combinations`) the form's text fields describe."""
    record: dict[str, Any] = {"type": campaign_type}
    for spec in form_fields(campaign_type):
        text = values.get(spec.path, "")
        if not str(text).strip():
            if spec.kind == "lines" and spec.path in CHILD_LISTS:
                record[spec.path] = []  # cleared on purpose (omitted would keep the stored list)
            elif spec.kind == "triggers":
                record["triggers"] = {"pool": [], "set": []}
            continue
        target = record
        *parents, name = spec.path.split(".")
        for parent in parents:
            target = target.setdefault(parent, {})
        target[name] = _value(spec, str(text))
    return record


# --- values → text -----------------------------------------------------------------------------


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return str(value)


def _line(record: dict[str, Any]) -> str:
    words = []
    for key, value in record.items():
        if value is None:
            continue  # not set: the default
        text = _text(value)
        words.append(f"{key}={shlex.quote(text) if text else chr(34) * 2}")
    return " ".join(words)


def _trigger_text(triggers: dict[str, list]) -> str:
    lines = []
    for kind in ("pool", "set"):
        for trigger in triggers.get(kind, []):
            parts = [f"kind={kind}"]
            if "min_quantity" in trigger:
                parts.append(f"min_quantity={trigger['min_quantity']}")
            described = ",".join(
                f"{line['type']}:{line.get('code') or ''}"
                + (f"*{line['quantity']}" if line.get("quantity", 1) != 1 else "")
                for line in trigger["lines"])
            parts.append(f"lines={described}")
            lines.append(" ".join(parts))
    return "\n".join(lines)


def stored_record(code: str) -> dict[str, Any]:
    """The campaign's normalized site record, defaults included (the form shows every value)."""
    document = export_document({"campaigns": {code}}, include_site=False, settings=set())
    records = document.get("campaigns", [])
    if not records:
        raise NotFound(N_("unknown campaign {code!r}"), code=code)
    return records[0]


def combinations_of(code: str) -> list[str]:
    return sorted({b if a == code else a for a, b in read_combinations() if code in (a, b)})


def form_values(code: str) -> tuple[str, dict[str, str]]:
    """(type, text fields) of a stored campaign, ready for the form."""
    record = stored_record(code)
    values: dict[str, str] = {}
    for spec in form_fields(record["type"]):
        value: Any = record
        for part in spec.path.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if spec.path == "combinations":
            value = combinations_of(code)
        if value is None or value == [] or value == {}:
            continue
        if spec.kind == "lines":
            values[spec.path] = "\n".join(_line(item) for item in value)
        elif spec.kind == "triggers":
            values[spec.path] = _trigger_text(value)
        else:
            values[spec.path] = _text(value)
    return record["type"], values


# --- saving ------------------------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    """Exact Decimals as plain YAML numbers (the site validator reads them back as Decimals)."""


_Dumper.add_representer(Decimal, lambda dumper, value: dumper.represent_scalar(
    "tag:yaml.org,2002:float", format(value.normalize(), "f")))


def campaign_document(record: dict[str, Any]) -> dict[str, Any]:
    """The partial site document for one campaign record: validated like a site file."""
    record = dict(record)
    partners = record.pop("combinations", [])
    document: dict[str, Any] = {"campaigns": [record]}
    if partners:
        document["combinations"] = [[record["code"], other] for other in partners]
    text = yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True)
    name = f"campaign {record.get('code', '?')}"
    try:
        return validate_text(text, name)
    except PlaydeskError as error:
        # "campaign X:3: campaigns[0].value: ..." → "value: ..." (the form has no file lines)
        lines = [re.sub(r"^.*?:\d+: (campaigns\[0\]\.)?", "", line)
                 for line in str(error).splitlines()]
        raise PlaydeskError("\n".join(lines)) from None


def save_campaign(campaign_type: str, values: dict[str, str], at: dt.datetime,
                  staff: str | None, code: str | None = None) -> dict[str, Any]:
    """Create (code None) or edit the campaign `code` from the form; a manager's change.

    The stored `active` and `deleted` are kept (they change through set_campaign_state), so
    saving a changed rule of an active discount campaign is refused by the site engine's lock.
    """

    require_role(staff, "manager", "changing a campaign")
    record = record_from_form(campaign_type, values)
    existing = Campaign.select().where(Campaign.code == (code or record.get("code"))).first()
    if code is None:
        if existing is not None:
            raise PlaydeskError(N_("campaign {code} exists already: edit it instead"),
                                code=existing.code)
        record["active"] = False  # a new campaign starts inactive: activate it when it is right
    else:
        if existing is None:
            raise NotFound(N_("unknown campaign {code!r}"), code=code)
        if record.get("code") != code:
            raise PlaydeskError(N_("a campaign's code cannot change ({code})"), code=code)
        if existing.type != campaign_type:
            raise PlaydeskError(N_("campaign {code} is a {type} campaign"),
                                code=code, type=existing.type)
        record["active"] = existing.active
        record["deleted"] = existing.deleted
    summary = apply_document(campaign_document(record), at, source="counter")
    return {"code": record.get("code"), "changed": summary["changed"], "event": summary["event"]}


def set_campaign_state(code: str, action: str, at: dt.datetime,
                       staff: str | None) -> dict[str, Any]:
    """Activate, deactivate or soft-delete a campaign (a manager's change)."""

    require_role(staff, "manager", f"to {action} a campaign")
    return change_campaign(code, action, at)
