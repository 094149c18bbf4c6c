"""Human names for the codes the engine keeps (issue 18 item 6): payment methods and campaign
types, as every counter screen shows them ("Cash", "Buy M, pay N"; never `cash`, `m_for_n`).
The words are in counter/texts.py (`payment_<code>`, `campaign_type_<type>`); a site's own
payment method without words there is shown with its code's first letter capitalised."""

from __future__ import annotations

from counter.texts import has, text


def method_name(method: str) -> str:
    key = f"payment_{method}"
    return text(key) if has(key) else method.replace("_", " ").capitalize()


def campaign_state_name(state: str) -> str:
    """active · inactive · expired ... in the language in use (an unknown state as it is)."""
    key = f"campaign_state_{state}"
    return text(key) if has(key) else state


def campaign_type_name(campaign_type: str) -> str:
    key = f"campaign_type_{campaign_type}"
    return text(key) if has(key) else campaign_type.replace("_", " ").capitalize()
