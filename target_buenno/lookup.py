"""Finding an invitation whose create may have arrived though its answer was lost.

Buenno's document says a second invitation with the same key is refused with 409, but
not what the key is, and an API may create every invitation it is sent. A POST whose
answer was lost (a read timeout, a dropped connection, a gateway's 5xx, an answer cut
short) may then have invited the person already: sending it again would invite them
twice. So the sink lists the form's invitations created since just before the first
attempt and looks for one with the contacts it sent; only when there is none is the
POST sent again.
"""

from __future__ import annotations

import datetime as dt
import typing as t
from urllib.parse import urlencode

from survey_common.timestamps import to_iso_utc

if t.TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    import requests

#: How far before the first attempt the list starts: Buenno's clock may be behind ours,
#: it keeps whole seconds, and its ``created_after`` may exclude the instant itself.
LOOKUP_MARGIN = dt.timedelta(minutes=15)
#: Invitations asked for per page: the document's maximum. A server may send fewer.
LOOKUP_PAGE = 250
#: The fields an invitation is recognised by, when the POST sent them.
IDENTIFYING = ("email", "phone", "pf_external_id")


class LookupFailedError(Exception):
    """Whether the invitation exists cannot be told from what Buenno answered."""


def _phone_digits(value: t.Any) -> str:
    """A phone number's digits, ``+`` written as ``00`` as the target sends it."""
    text = str(value).strip()
    if text.startswith("+"):
        text = "00" + text[1:]
    return "".join(char for char in text if char.isdigit())


def same_key(name: str, value: t.Any) -> str:
    """An identifying field as ``same_value`` compares it, so that equal ones are one key."""
    if name == "email":
        return str(value).strip().casefold()
    if name == "phone":
        return _phone_digits(value)
    return str(value).strip()


def same_value(name: str, listed: t.Any, sent: str) -> bool:
    """Tell whether a listed invitation's field is the value the POST sent.

    Emails compare without case, phones by their digits with ``+`` read as ``00`` (as
    the target sends them), external ids as text.
    """
    if listed is None:
        return False
    return same_key(name, listed) == same_key(name, sent)


def is_same_invitation(listed: Mapping[str, t.Any], form: Mapping[str, str]) -> bool:
    """Tell whether a listed invitation is the one a POST with ``form`` would create.

    Every identifying field the POST sent must match; those it did not send are not
    compared, since Buenno may fill them in from what it knows of the person.
    """
    sent = {name: form[name] for name in IDENTIFYING if form.get(name)}
    return bool(sent) and all(same_value(name, listed.get(name), v) for name, v in sent.items())


def lookup_params(form: Mapping[str, str], first_attempt: dt.datetime, offset: int) -> str:
    """The query of one page of the look-up: the form, the window and the offset."""
    params = {
        "created_after": to_iso_utc(first_attempt - LOOKUP_MARGIN),
        "limit": str(LOOKUP_PAGE),
        "offset": str(offset),
    }
    if form.get("form_id"):
        params["form_id"] = form["form_id"]
    return urlencode(params)


def find_invitation(
    form: Mapping[str, str],
    first_attempt: dt.datetime,
    get: Callable[[str], requests.Response],
) -> bool:
    """Tell whether the form has an invitation created since ``first_attempt`` with ``form``.

    Pages advance by what came back and end on an empty page, since a server may cap
    its pages below the size asked; the search ends early on a match.

    Args:
        form: The fields the POST sent.
        first_attempt: When the first attempt was sent, by this machine's clock.
        get: Sends ``GET /invitations?<query>`` and returns a 2xx answer; raises
            ``LookupFailedError`` for any other.

    Raises:
        LookupFailedError: an answer that is not a list of invitations, or a page
            that repeats the one before (the list does not page by offset).
    """
    offset = 0
    previous: list[t.Any] = []
    while True:
        response = get(lookup_params(form, first_attempt, offset))
        page = _invitations(response)
        if not page:
            return False
        ids = [invitation.get("id") for invitation in page]
        if ids == previous:
            raise LookupFailedError(
                f"Buenno answered offset={offset} with the invitations of the page before"
            )
        if any(is_same_invitation(invitation, form) for invitation in page):
            return True
        previous = ids
        offset += len(page)


def _invitations(response: requests.Response) -> list[dict[str, t.Any]]:
    """The invitations of one page of the list.

    Raises:
        LookupFailedError: the answer has no ``invitations`` array.
    """
    body = response.json() if response.content else None
    page = body.get("invitations") if isinstance(body, dict) else None
    if not isinstance(page, list) or not all(isinstance(item, dict) for item in page):
        raise LookupFailedError("the list answered without an 'invitations' array")
    return page
