"""target-feedbackapi's customers: looked up, then updated in place or created once.

The document says creating a customer whose email or mobile number exists updates it,
but an API could as well create a second one or refuse; Create Customer takes neither
``opt_out`` nor more than one location, and Update Customer is likened to the create
call, whose fields default to null. So the sink relies on none of that:

1. it looks the customer up by email, then by mobile number (matched exactly here,
   whatever the list's filter does);
2. it changes every match with Update Customer, sending only the fields the source gave
   that differ (an absent ``opt_out`` never opts anyone in, an absent name never erases
   one); an unchanged customer costs no write;
3. only when nobody matches does it create the customer, and a create that may have
   arrived is looked up again before it is resent;
4. it compares each answer with what it asked for, and sets what the API did not keep
   with one more Update Customer, logging once what that says about the API.
"""

from __future__ import annotations

import typing as t
from urllib.parse import urlencode

from survey_common.phones import to_e164
from survey_common.push.client import PushRequest, UncertainDeliveryError
from survey_common.push.fields import field_rule, text_value
from survey_common.push.report import Outcome, RecordRejectedError
from survey_common.push.sink import RecordPushSink

if t.TYPE_CHECKING:
    from collections.abc import Hashable, Iterable, Sequence

    import requests

#: The person's fields Create Customer takes (with ``location``).
CREATE_FIELDS = ("email", "mobile_number", "fname", "sname", "country_code")
#: Every field the sink compares between what it asked for and what the API answered.
COMPARED = (*CREATE_FIELDS, "opt_out")
#: The fields an update that replaces the record resets when they are not sent.
RESETTABLE = ("fname", "sname", "country_code", "opt_out")
#: Customers asked for per look-up: a full page of others means the filter did not narrow.
LOOKUP_LIMIT = 100
_CONTACTS = ("email", "mobile_number")


def same(name: str, answered: t.Any, wanted: t.Any) -> bool:
    """Tell whether the API's value of a field is the one wanted.

    Email addresses compare without case, mobile numbers by their digits, country codes
    in upper case and ``opt_out`` as a flag, as the API itself matches them.
    """
    if name == "opt_out":
        return bool(answered) == bool(wanted)
    if answered is None or wanted is None:
        return answered is wanted
    if name == "email":
        return str(answered).casefold() == str(wanted).casefold()
    if name == "mobile_number":
        return _digits(answered) == _digits(wanted)
    if name == "country_code":
        return str(answered).upper() == str(wanted).upper()
    return bool(answered == wanted)


def same_key(name: str, value: t.Any) -> str:
    """A contact as ``same`` compares it: emails without case, mobile numbers by their digits."""
    if name == "email":
        return str(value).casefold()
    return _digits(value)


def _digits(value: t.Any) -> str:
    return "".join(char for char in str(value) if char.isdigit())


def _ids(values: t.Any) -> list[str]:
    """Read a list of location ids, blanks dropped and each id once, in order."""
    if not isinstance(values, list):
        return []
    return list(dict.fromkeys(text for value in values if (text := text_value(value))))


def wanted_locations(desired: dict[str, t.Any]) -> list[str]:
    """The locations the customer must belong to: ``location`` and every one of ``locations``."""
    return list(dict.fromkeys([desired["location"], *desired.get("locations", [])]))


def unwanted_locations(desired: dict[str, t.Any], attached: Sequence[str]) -> list[str]:
    """Attached locations to leave: those in ``location_remove``, or outside ``locations``."""
    wanted = wanted_locations(desired)
    removed = set(desired.get("location_remove", []))
    complete = "locations" in desired
    return [
        location
        for location in attached
        if location not in wanted and (location in removed or complete)
    ]


class CustomersSink(RecordPushSink):
    """Keeps FeedbackAPI's customers as the source has them: one per person, current values.

    Idempotent without a journal: every create follows a look-up that found nobody, so a
    record pushed again (a rerun, a retry) finds the customer and changes nothing.
    """

    stream = "customers"
    idempotent = True

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        """Start knowing nothing of how the API treats writes; the answers will tell."""
        super().__init__(*args, **kwargs)
        #: Learned from an answer: Update Customer resets the fields it is not sent.
        self.update_replaces = False
        self._findings_logged: set[tuple[str, str]] = set()

    # Vetting

    def build_request(self, record: dict[str, t.Any]) -> PushRequest:
        """What the source says of the customer; ``deliver`` turns it into calls.

        Mobile numbers in E.164 (read in the record's country when they lack a code),
        country codes in upper case, ``opt_out`` only when the source gives one,
        ``locations`` (the complete set) and ``location_remove`` as lists of ids.
        """
        handled = ("mobile_number", "location", "locations", "location_remove", "opt_out")
        body: dict[str, t.Any] = self.plain_fields(record, *handled)
        if "country_code" in body:
            body["country_code"] = body["country_code"].upper()
        if mobile := record.get("mobile_number"):
            with field_rule("mobile_number"):
                body["mobile_number"] = to_e164(mobile, body.get("country_code"))
        if "email" not in body and "mobile_number" not in body:
            raise RecordRejectedError("email or mobile_number is required")
        if record.get("opt_out") is not None:
            body["opt_out"] = bool(record["opt_out"])
        if locations := _ids(record.get("locations")):
            body["locations"] = locations
        if removed := _ids(record.get("location_remove")):
            body["location_remove"] = removed
        if not record.get("location") and locations:
            body["location"] = locations[0]
        else:
            body["location"] = self.from_record_or_setting(record, "location", "default_location")
        return PushRequest("POST", "/customers", json=body)

    def dedupe_keys(self, request: PushRequest) -> Iterable[Hashable]:
        """Everything the source said: only the same record again is the same push.

        The same person with other values in one run is pushed again, so that the last
        values the source gave are the ones FeedbackAPI keeps.
        """
        body = request.json
        return [
            tuple(
                sorted(
                    (name, str(value).casefold() if name == "email" else str(value))
                    for name, value in body.items()
                )
            )
        ]

    def flight_keys(self, request: PushRequest) -> Iterable[Hashable]:
        """The email address and the mobile number: one person's records go one at a time.

        Each is looked up before it is written; two records of one person side by side
        could both find nobody and create the person twice, and the last values given
        must be the ones kept.
        """
        body = request.json
        return [(name, same_key(name, body[name])) for name in _CONTACTS if name in body]

    # Delivery

    def deliver(self, request: PushRequest) -> Outcome:
        """Update every customer with this email or mobile number, or create one."""
        desired = request.json
        matches = self.look_up(desired)
        if not matches:
            return self.create(desired)
        if len(matches) > 1:
            # Two customers share the person's contacts: changing either's would collide.
            desired = {k: v for k, v in desired.items() if k not in _CONTACTS}
        changed = [self.update(current, desired) for current in matches]
        return Outcome.ACCEPTED if any(changed) else Outcome.ALREADY_PRESENT

    def look_up(self, desired: dict[str, t.Any]) -> list[dict[str, t.Any]]:
        """Return the customers with the email, then those with the mobile number.

        The mobile number is looked up only when no customer found by email has it.
        """
        found: dict[str, dict[str, t.Any]] = {}
        for name in _CONTACTS:
            value = desired.get(name)
            if value is None or any(same(name, c.get(name), value) for c in found.values()):
                continue
            for customer in self._list_customers(name, value):
                found.setdefault(str(customer["id"]), customer)
        return list(found.values())

    def _list_customers(self, name: str, value: str) -> list[dict[str, t.Any]]:
        """Return the customers whose ``name`` is ``value``, by the list's filter.

        Raises:
            RecordRejectedError: the list failed, or did not narrow to the filter: then
                whether the customer exists cannot be told, and nothing is sent.
        """
        query = urlencode({name: value, "limit": LOOKUP_LIMIT})
        response = self.client.send(PushRequest("GET", f"/customers?{query}"), idempotent=True)
        if not response.ok:
            raise RecordRejectedError(self.client.explain(response), response.status_code)
        body = response.json()
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, list):
            raise RecordRejectedError(
                "FeedbackAPI listed customers without a 'data' array; nothing was sent",
                response.status_code,
            )
        matches = [
            c for c in data if isinstance(c, dict) and "id" in c and same(name, c.get(name), value)
        ]
        if len(data) >= LOOKUP_LIMIT and len(matches) < len(data):
            raise RecordRejectedError(
                f"{name}: FeedbackAPI's customer list did not filter on {name}, so whether "
                "the customer exists cannot be told; nothing was sent"
            )
        return matches

    def create(self, desired: dict[str, t.Any]) -> Outcome:
        """Create the customer, then set what Create Customer does not take or keep.

        A create that may have arrived is looked up again: found, it is updated; not
        found, it provably did not arrive and is sent once more.
        """
        sent = {name: desired[name] for name in (*CREATE_FIELDS, "location") if name in desired}
        create = PushRequest("POST", "/customers", json=sent)
        try:
            response = self.client.send(create, idempotent=False)
        except UncertainDeliveryError:
            if matches := self.look_up(desired):
                for current in matches:
                    self.update(current, desired)
                return Outcome.ACCEPTED
            response = self.client.send(create, idempotent=False)
        self.settle(self._customer(response), desired, None, sent, "Create Customer")
        return Outcome.ACCEPTED

    def update(self, current: dict[str, t.Any], desired: dict[str, t.Any]) -> bool:
        """Send the changes the source asks for; return whether there were any."""
        changes = self.changes(current, desired)
        if not changes:
            return False
        if self.update_replaces:
            changes = {**self.kept(current), **changes}
        answered = self._send_update(current["id"], changes)
        self.settle(answered, desired, current, changes, "Update Customer")
        return True

    def changes(self, current: dict[str, t.Any], desired: dict[str, t.Any]) -> dict[str, t.Any]:
        """The fields the source gave that differ, and the locations to add and remove."""
        changes = {
            name: desired[name]
            for name in COMPARED
            if name in desired and not same(name, current.get(name), desired[name])
        }
        attached = [str(location) for location in current.get("locations") or []]
        if add := [loc for loc in wanted_locations(desired) if loc not in attached]:
            changes["location_add"] = add
        if remove := unwanted_locations(desired, attached):
            changes["location_remove"] = remove
        return changes

    @staticmethod
    def kept(current: dict[str, t.Any]) -> dict[str, t.Any]:
        """The customer's own values of the fields an update that replaces would reset."""
        return {name: current[name] for name in RESETTABLE if current.get(name) is not None}

    def settle(
        self,
        answered: dict[str, t.Any],
        desired: dict[str, t.Any],
        before: dict[str, t.Any] | None,
        sent: dict[str, t.Any],
        operation: str,
    ) -> None:
        """Set with one Update Customer what the answer shows the API did not keep.

        Expected are the fields the source gave and, for an existing customer, the
        values it had of the others. A field sent and not kept is logged once per
        operation; fields not sent yet reset teach that updates replace the record.

        Raises:
            RecordRejectedError: a field is still not as asked after that update.
        """
        fix = self._differences(answered, desired, before)
        if not fix:
            return
        for name in sorted(set(fix) & set(sent)):
            self._log_once(operation, name)
        if before is not None and not self.update_replaces and set(fix) - set(sent):
            self.update_replaces = True
            reset = ", ".join(sorted(set(fix) - set(sent)))
            self.logger.warning(
                "FeedbackAPI's Update Customer reset fields it was not sent (%s): restored, "
                "and every update now sends all of the customer's fields",
                reset,
            )
        if self.update_replaces:
            given = {name: desired[name] for name in RESETTABLE if name in desired}
            fix = {**self.kept(before or answered), **given, **fix}
        again = self._send_update(answered["id"], fix)
        if still := sorted(self._differences(again, desired, before)):
            raise RecordRejectedError(
                f"{', '.join(still)}: FeedbackAPI did not keep the value sent with "
                f"{operation}, nor after another Update Customer (customer {answered['id']})"
            )

    def _differences(
        self,
        answered: dict[str, t.Any],
        desired: dict[str, t.Any],
        before: dict[str, t.Any] | None,
    ) -> dict[str, t.Any]:
        """What to send so that the answered customer becomes the one wanted."""
        expected = {name: desired[name] for name in COMPARED if name in desired}
        if before is not None:
            for name in COMPARED:
                if name not in expected and before.get(name) is not None:
                    expected[name] = before[name]
        fix = {
            name: value
            for name, value in expected.items()
            if not same(name, answered.get(name), value)
        }
        attached = [str(location) for location in answered.get("locations") or []]
        if missing := [loc for loc in wanted_locations(desired) if loc not in attached]:
            fix["location_add"] = missing
        if extra := unwanted_locations(desired, attached):
            fix["location_remove"] = extra
        return fix

    def _log_once(self, operation: str, name: str) -> None:
        if (operation, name) not in self._findings_logged:
            self._findings_logged.add((operation, name))
            self.logger.warning(
                "FeedbackAPI's %s did not keep '%s': it is set with Update Customer",
                operation,
                name,
            )

    def _send_update(self, customer_id: str, changes: dict[str, t.Any]) -> dict[str, t.Any]:
        """Send Update Customer and return the customer it answers."""
        update = PushRequest("POST", f"/customers/{customer_id}", json=changes)
        return self._customer(self.client.send(update, idempotent=True))

    def _customer(self, response: requests.Response) -> dict[str, t.Any]:
        """Return the customer a write answered with.

        Raises:
            RecordRejectedError: the API refused the write, or answered without the
                customer (then it may have been written all the same).
        """
        if not response.ok:
            raise RecordRejectedError(self.client.explain(response), response.status_code)
        body = response.json() if response.content else None
        if not isinstance(body, dict) or not body.get("id"):
            raise RecordRejectedError(
                "FeedbackAPI answered the write without the customer",
                response.status_code,
                uncertain=True,
            )
        return body
