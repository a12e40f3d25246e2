"""Every target takes any record a source can send without crashing, and accounts for each.

Sources send what they hold: wrong types, text of any length and script, missing and
extra fields, nulls, nested junk. Hypothesis makes such records for every input stream
of every target, mixed with plausible values so that some are pushed, and runs the
target in-process against a mocked API that takes every push. For each run:

- the target ends without an exception;
- its summary accounts for every record: accepted + already present + rejected equals
  the records it read;
- every rejected record is in the dead-letter file, as it was read, with a reason that
  names a field.

Each record starts from a good one of its stream: any of its fields may be missing or
replaced with junk, and fields of the record's own are added.

A few dozen examples per target by default; many more with ``--long``.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import re
import tempfile
import typing as t
from pathlib import Path

import pytest
import requests_mock
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from survey_common.push.schema import PushSchema
from target_buenno.target import TargetBuenno
from target_feedbackapi.target import TargetFeedbackAPI
from target_hellocustomer.target import TargetHelloCustomer
from tests.helpers.secret_scan import assert_no_secrets
from tests.helpers.target_runner import schema

if t.TYPE_CHECKING:
    from survey_common.push.target import PushTarget

TOKEN = "hostile-records-unit-token-51c9"
TARGETS: dict[str, tuple[type[PushTarget], dict[str, t.Any]]] = {
    "target-buenno": (TargetBuenno, {"api_url": "https://buenno.test/api/v01"}),
    "target-feedbackapi": (
        TargetFeedbackAPI,
        {"api_url": "https://feedbackapi.test/v1.3", "default_location": "xS4rtY"},
    ),
    "target-hellocustomer": (
        TargetHelloCustomer,
        {
            "api_url": "https://hellocustomer.test/V1.0/EN",
            "campaign_id": "c8dc5f94-a9e8-4743-8744-e66a73a7e724",
            "default_language": "nl",
            "min_request_interval": 0,
            "batch_size": 3,
        },
    ),
}
#: A good record of each input stream, that the generated records start from.
GOOD: dict[str, dict[str, t.Any]] = {
    "invitations": {"email": "aino@example.com", "first_name": "Aino", "phone": "+358 40 765 4321"},
    "customers": {"email": "aino@example.com", "fname": "Aino", "country_code": "FI"},
    "locations": {"name": "Kahvila Kallio", "country_code": "fi", "postal_code": "00530"},
    "feedback_requests": {"subscriber": "gse4Ry", "template": "dfar5V", "due": 1734048000},
    "respondents": {"email": "aino@example.com", "first_name": "Aino", "language": "fr"},
    "answers": {
        "CompanyUniqueID": "ec28d381-4883-4731-9462-74c3dc82aff1",
        "respondent": {"Email": "aino@example.com", "FirstName": "Aino"},
        "answers": [{"QuestionItemUniqueID": "3541c426-2b8f-4e61-9d47-8c1f0e6a9b32", "Score": 9}],
        "metadata": {"store": "Antwerpen", "visits": 3},
    },
}
#: Examples per target, by default and with ``--long``.
EXAMPLES, LONG_EXAMPLES = 40, 400

#: Text of any script, without lone surrogates (no UTF-8 encoder can write those).
ODD_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)
HUGE_TEXT = st.builds(
    lambda char, length: char * length,
    st.characters(exclude_categories=["Cs"]),
    st.integers(1_000, 100_000),
)
#: Values that pass some field's rules, so that records get pushed too.
PLAUSIBLE = st.one_of(
    st.emails(),
    st.sampled_from(
        [
            "FI",
            "gb",
            "+358 40 765 4321",
            "0031612345678",
            "2024-05-01T02:00:00Z",
            "nl",
            "c8dc5f94-a9e8-4743-8744-e66a73a7e724",
            "gse4Ry",
        ]
    ),
    st.integers(0, 10),
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    ODD_TEXT,
    HUGE_TEXT,
    PLAUSIBLE,
)
VALUES = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(ODD_TEXT, children, max_size=3)
    ),
    max_leaves=6,
)


#: Stands for a field left out of a record.
MISSING = object()


def kept_spoilt_or_missing(value: t.Any) -> st.SearchStrategy[t.Any]:
    """The good value mostly, else junk or nothing: so that whole records stay good too."""
    return st.one_of(st.just(value), st.just(value), st.just(value), VALUES, st.just(MISSING))


def records(stream: str, fields: list[str]) -> st.SearchStrategy[dict[str, t.Any]]:
    """A good record of the stream with fields dropped or spoilt, and fields of its own."""
    good: st.SearchStrategy[dict[str, t.Any]] = st.fixed_dictionaries(
        {name: kept_spoilt_or_missing(value) for name, value in GOOD[stream].items()}
    )
    names = st.one_of(
        st.sampled_from(fields),
        st.sampled_from(fields).map(str.upper),
        ODD_TEXT.filter(bool),
    )
    extra = st.dictionaries(names, VALUES, max_size=2)
    return st.builds(
        lambda base, more: {**more, **{k: v for k, v in base.items() if v is not MISSING}},
        good,
        extra,
    )


def spellings_of(fields: set[str], record: dict[str, t.Any]) -> set[str]:
    """The record's names for the stream's fields in another case or without underscores.

    Hello Customer's target reads ``FIRSTNAME`` and ``first_name`` as ``firstName``, and
    names the record's own spellings when two of them disagree.
    """

    def folded(name: str) -> str:
        return name.replace("_", "").casefold()

    known = {folded(field) for field in fields}
    return {name for name in record if folded(name) in known}


def streams(target_class: type[PushTarget]) -> dict[str, list[str]]:
    """Each input stream of a target with the fields of its push schema."""
    return {
        sink.stream: sorted(PushSchema(target_class.schema_folder, sink.stream).fields)
        for sink in target_class.sink_classes
    }


def run_in_process(
    target_class: type[PushTarget], config: dict[str, t.Any], lines: str
) -> PushTarget:
    """Run the target over ``lines`` with every push answered 200, and return it.

    Look-ups (target-feedbackapi asks for a customer before it creates one) find nobody,
    and a created customer is answered as FeedbackAPI answers it: the fields it was given.
    """
    target = target_class(config=config, parse_env_config=False)
    with (
        requests_mock.Mocker() as api,
        contextlib.redirect_stdout(io.StringIO()),
    ):
        api.post(re.compile(".*"), json=[{}])
        api.get(
            re.compile(".*"), json={"page": 1, "total_count": 0, "total_returned": 0, "data": []}
        )
        customers: dict[str, dict[str, t.Any]] = {}

        def write_customer(request: t.Any, _context: t.Any) -> dict[str, t.Any]:
            customer_id = request.path.rpartition("/customers")[2].strip("/") or "hostile1"
            customers[customer_id] = {**customers.get(customer_id, {}), **request.json()}
            return {**customers[customer_id], "id": customer_id}

        api.post(re.compile(r".*/customers(/[^/]+)?$"), json=write_customer)
        target.listen(io.StringIO(lines))
    return target


def check_target(name: str, long_run: bool, caplog: pytest.LogCaptureFixture) -> None:
    """Run the property for one target; its log at DEBUG must not show the token either."""
    caplog.set_level(logging.DEBUG)
    target_class, settings_of_target = TARGETS[name]
    fields_by_stream = streams(target_class)
    inputs = st.sampled_from(sorted(fields_by_stream)).flatmap(
        lambda stream: st.tuples(
            st.just(stream),
            st.lists(records(stream, fields_by_stream[stream]), min_size=1, max_size=6),
        )
    )

    @settings(
        max_examples=LONG_EXAMPLES if long_run else EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(inputs)
    def property_holds(example: tuple[str, list[dict[str, t.Any]]]) -> None:
        stream, sent = example
        with tempfile.TemporaryDirectory() as folder:
            dead_letter = Path(folder) / "dead-letter.jsonl"
            config = {
                "api_token": TOKEN,
                **settings_of_target,
                "dead_letter_path": str(dead_letter),
                "journal_path": str(Path(folder) / "journal.sqlite"),
                "ledger_path": str(Path(folder) / "ledger.sqlite"),
            }
            config = {
                key: value
                for key, value in config.items()
                if key in target_class.config_jsonschema["properties"]
            }
            messages = [
                schema(stream),
                *({"type": "RECORD", "stream": stream, "record": r} for r in sent),
            ]
            lines = "".join(json.dumps(message) + "\n" for message in messages)

            target = run_in_process(target_class, config, lines)

            tally = target.report.tally(stream)
            assert tally.accepted + tally.already_present + tally.rejected == len(sent)
            dead = dead_letter.read_text(encoding="utf-8") if dead_letter.exists() else ""
            assert_no_secrets({"dead-letter": dead}, [TOKEN])
            lines_dead = [json.loads(line) for line in dead.splitlines()]
            assert len(lines_dead) == tally.rejected
            fields = set(fields_by_stream[stream])
            for line in lines_dead:
                assert line["record"] in [json.loads(json.dumps(r)) for r in sent]
                named = fields | spellings_of(fields, line["record"])
                assert any(field in line["reason"] for field in named), line["reason"]

    property_holds()
    assert "rejected" in caplog.text  # the summaries were captured: the scan sees the log
    assert_no_secrets({"log": caplog.text}, [TOKEN])


def test_target_buenno_accounts_for_any_record(
    long_run: bool, caplog: pytest.LogCaptureFixture
) -> None:
    check_target("target-buenno", long_run, caplog)


def test_target_feedbackapi_accounts_for_any_record(
    long_run: bool, caplog: pytest.LogCaptureFixture
) -> None:
    check_target("target-feedbackapi", long_run, caplog)


def test_target_hellocustomer_accounts_for_any_record(
    long_run: bool, caplog: pytest.LogCaptureFixture
) -> None:
    check_target("target-hellocustomer", long_run, caplog)
