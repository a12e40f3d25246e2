"""Hello Customer's tables and the SQL that writes them; reads are in ``queries``.

Tables (GUIDs are kept in lower case; timestamps are whole Unix seconds, UTC):

- ``hellocustomer_tokens(token, name)``: API tokens.
- ``hellocustomer_touchpoints(guid, token, name)``: touchpoints (campaigns); each belongs to
  one token.
- ``hellocustomer_surveys(guid, touchpoint_guid, language_guid, position)``: a touchpoint's
  survey in one of its languages; ``position`` orders the touchpoint's languages.
- ``hellocustomer_questions(guid, survey_guid, sibling_guid, sort_order, kind, text,
  options)``: a question in one language; ``sibling_guid`` is shared by the same question
  in the touchpoint's other languages; ``kind`` is one of :data:`KINDS`; ``options`` is a
  JSON array of labels for multiple-choice questions, else ``NULL``.
- ``hellocustomer_respondents(id, guid, touchpoint_guid, language_guid, email, first_name,
  last_name, phone, custom_id, added_by, created_at)``: people added to a touchpoint;
  ``added_by`` says how: ``seed``, ``respondent/add``, ``respondent/addmultipletocache``,
  ``answers/add`` or ``admin``.
- ``hellocustomer_key_values(respondent_id, position, key, value)``: a respondent's
  ``keyValues`` (metadata), in the order they were given.
- ``hellocustomer_responses(id, guid, touchpoint_guid, survey_guid, respondent_id,
  private_ip, public_ip, has_been_contacted, has_been_forwarded,
  has_been_disabled_for_review, date_surveyed, date_answer)``: filled-in surveys.
- ``hellocustomer_answers(guid, response_id, question_guid, value, text, boolean, options)``:
  one row per answered question; ``boolean`` is 0, 1 or ``NULL``; ``options`` a JSON array.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

SCHEMA_VERSION = 1

KIND_CES = "ces"
KIND_TEXT = "text"
KIND_NPS = "nps"
KIND_BOOLEAN = "boolean"
KIND_CHOICE = "choice"
KINDS = (KIND_CES, KIND_TEXT, KIND_NPS, KIND_BOOLEAN, KIND_CHOICE)
"""Question kinds: a 1 to 7 effort score, open text, a 0 to 10 NPS, yes/no, multiple choice."""

ADDED_BY_SEED = "seed"
ADDED_BY_ADD = "respondent/add"
ADDED_BY_CACHE = "respondent/addmultipletocache"
ADDED_BY_ANSWER = "answers/add"
ADDED_BY_ADMIN = "admin"

TABLES = (
    "hellocustomer_answers",
    "hellocustomer_responses",
    "hellocustomer_key_values",
    "hellocustomer_respondents",
    "hellocustomer_questions",
    "hellocustomer_surveys",
    "hellocustomer_touchpoints",
    "hellocustomer_tokens",
)

DDL = (
    "CREATE TABLE hellocustomer_tokens (token TEXT PRIMARY KEY, name TEXT NOT NULL)",
    """CREATE TABLE hellocustomer_touchpoints (
        guid TEXT PRIMARY KEY,
        token TEXT NOT NULL REFERENCES hellocustomer_tokens (token),
        name TEXT NOT NULL
    )""",
    """CREATE TABLE hellocustomer_surveys (
        guid TEXT PRIMARY KEY,
        touchpoint_guid TEXT NOT NULL REFERENCES hellocustomer_touchpoints (guid),
        language_guid TEXT NOT NULL,
        position INTEGER NOT NULL,
        UNIQUE (touchpoint_guid, language_guid)
    )""",
    f"""CREATE TABLE hellocustomer_questions (
        guid TEXT PRIMARY KEY,
        survey_guid TEXT NOT NULL REFERENCES hellocustomer_surveys (guid),
        sibling_guid TEXT NOT NULL,
        sort_order INTEGER NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN {KINDS!r}),
        text TEXT NOT NULL,
        options TEXT
    )""",
    """CREATE TABLE hellocustomer_respondents (
        id INTEGER PRIMARY KEY,
        guid TEXT NOT NULL UNIQUE,
        touchpoint_guid TEXT NOT NULL REFERENCES hellocustomer_touchpoints (guid),
        language_guid TEXT NOT NULL,
        email TEXT,
        first_name TEXT,
        last_name TEXT,
        phone TEXT,
        custom_id TEXT,
        added_by TEXT NOT NULL,
        created_at INTEGER NOT NULL
    )""",
    """CREATE TABLE hellocustomer_key_values (
        respondent_id INTEGER NOT NULL REFERENCES hellocustomer_respondents (id),
        position INTEGER NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (respondent_id, position)
    )""",
    "CREATE INDEX hellocustomer_key_values_key ON hellocustomer_key_values (key, value)",
    """CREATE TABLE hellocustomer_responses (
        id INTEGER PRIMARY KEY,
        guid TEXT NOT NULL UNIQUE,
        touchpoint_guid TEXT NOT NULL REFERENCES hellocustomer_touchpoints (guid),
        survey_guid TEXT NOT NULL REFERENCES hellocustomer_surveys (guid),
        respondent_id INTEGER NOT NULL REFERENCES hellocustomer_respondents (id),
        private_ip TEXT,
        public_ip TEXT,
        has_been_contacted INTEGER NOT NULL,
        has_been_forwarded INTEGER NOT NULL,
        has_been_disabled_for_review INTEGER NOT NULL,
        date_surveyed INTEGER NOT NULL,
        date_answer INTEGER NOT NULL
    )""",
    "CREATE INDEX hellocustomer_responses_window"
    " ON hellocustomer_responses (touchpoint_guid, date_answer, id)",
    """CREATE TABLE hellocustomer_answers (
        guid TEXT PRIMARY KEY,
        response_id INTEGER NOT NULL REFERENCES hellocustomer_responses (id),
        question_guid TEXT NOT NULL REFERENCES hellocustomer_questions (guid),
        value INTEGER,
        text TEXT,
        boolean INTEGER,
        options TEXT
    )""",
    "CREATE INDEX hellocustomer_answers_response ON hellocustomer_answers (response_id)",
)


@dataclass(frozen=True)
class Survey:
    """A touchpoint's survey in one language."""

    guid: str
    language_guid: str


@dataclass(frozen=True)
class Touchpoint:
    """A touchpoint with its owner and its surveys, in language order."""

    guid: str
    token: str
    name: str
    surveys: tuple[Survey, ...]

    def survey_in(self, language_guid: str) -> Survey | None:
        """Return the survey in a language, or ``None`` when the touchpoint lacks it."""
        for survey in self.surveys:
            if survey.language_guid == language_guid:
                return survey
        return None


@dataclass(frozen=True)
class Question:
    """A question of one survey (one language)."""

    guid: str
    survey_guid: str
    sibling_guid: str
    sort_order: int
    kind: str
    text: str
    options: tuple[str, ...] | None


@dataclass(frozen=True)
class RespondentDraft:
    """A respondent to be stored; the integer id is given out on insert."""

    guid: str
    touchpoint_guid: str
    language_guid: str
    email: str | None
    first_name: str | None
    last_name: str | None
    phone: str | None
    custom_id: str | None
    key_values: Mapping[str, str]
    added_by: str
    created_at: int


@dataclass(frozen=True)
class AnswerDraft:
    """One answer to be stored with a response; exactly the field of its kind is set."""

    guid: str
    question_guid: str
    value: int | None = None
    text: str | None = None
    boolean: bool | None = None
    options: tuple[str, ...] | None = None


@dataclass(frozen=True)
class ResponseDraft:
    """A response to be stored together with its respondent and answers."""

    guid: str
    respondent: RespondentDraft
    survey_guid: str
    date_surveyed: int
    date_answer: int
    answers: Sequence[AnswerDraft]
    # What a response added through the API or an admin call starts with.
    private_ip: str | None = None
    public_ip: str | None = None
    has_been_contacted: bool = False
    has_been_forwarded: bool = False
    has_been_disabled_for_review: bool = False


@dataclass(frozen=True)
class ResponseRows:
    """Stored responses with their respondents' key values and their answers.

    Attributes:
        responses: Response rows with the respondent's columns (``respondent_guid``,
            ``email``, ``first_name``, ``last_name``, ``phone``, ``custom_id``) and the
            survey's ``language_guid``, by answer date then id.
        key_values: ``(respondent_id, key, value)`` rows in the order given.
        answers: Answer rows with the question's ``survey_guid``, ``sibling_guid``,
            ``sort_order``, ``kind`` and ``question_text``, by response then sort order.
    """

    responses: list[sqlite3.Row]
    key_values: list[sqlite3.Row]
    answers: list[sqlite3.Row]


def insert_catalogue(
    connection: sqlite3.Connection,
    tokens: Sequence[tuple[str, str]],
    touchpoints: Sequence[Touchpoint],
    questions: Sequence[Question],
) -> None:
    """Store the fixed catalogue: tokens, touchpoints with their surveys, and questions.

    Args:
        connection: Where to write.
        tokens: ``(token, name)`` pairs.
        touchpoints: Every touchpoint; its surveys are stored in the order given.
        questions: Every survey's questions.
    """
    connection.executemany("INSERT INTO hellocustomer_tokens (token, name) VALUES (?, ?)", tokens)
    connection.executemany(
        "INSERT INTO hellocustomer_touchpoints (guid, token, name) VALUES (?, ?, ?)",
        [(touchpoint.guid, touchpoint.token, touchpoint.name) for touchpoint in touchpoints],
    )
    connection.executemany(
        "INSERT INTO hellocustomer_surveys (guid, touchpoint_guid, language_guid, position)"
        " VALUES (?, ?, ?, ?)",
        [
            (survey.guid, touchpoint.guid, survey.language_guid, position)
            for touchpoint in touchpoints
            for position, survey in enumerate(touchpoint.surveys, start=1)
        ],
    )
    connection.executemany(
        "INSERT INTO hellocustomer_questions"
        " (guid, survey_guid, sibling_guid, sort_order, kind, text, options)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (
                question.guid,
                question.survey_guid,
                question.sibling_guid,
                question.sort_order,
                question.kind,
                question.text,
                None if question.options is None else json.dumps(list(question.options)),
            )
            for question in questions
        ],
    )


def _next_id(connection: sqlite3.Connection, table: str) -> int:
    """Return one more than the largest id of one of this module's tables."""
    largest = connection.execute(f"SELECT MAX(id) FROM {table}").fetchone()[0]  # noqa: S608
    return int(largest or 0) + 1


def insert_respondents(
    connection: sqlite3.Connection, drafts: Sequence[RespondentDraft]
) -> list[int]:
    """Store respondents and their key values with the next free ids; return those ids."""
    first = _next_id(connection, "hellocustomer_respondents")
    connection.executemany(
        """INSERT INTO hellocustomer_respondents (
            id, guid, touchpoint_guid, language_guid, email, first_name, last_name, phone,
            custom_id, added_by, created_at
        ) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [
            (
                first + index,
                draft.guid,
                draft.touchpoint_guid,
                draft.language_guid,
                draft.email,
                draft.first_name,
                draft.last_name,
                draft.phone,
                draft.custom_id,
                draft.added_by,
                draft.created_at,
            )
            for index, draft in enumerate(drafts)
        ],
    )
    connection.executemany(
        "INSERT INTO hellocustomer_key_values (respondent_id, position, key, value)"
        " VALUES (?, ?, ?, ?)",
        [
            (first + index, position, key, value)
            for index, draft in enumerate(drafts)
            for position, (key, value) in enumerate(draft.key_values.items(), start=1)
        ],
    )
    return list(range(first, first + len(drafts)))


def insert_responses(connection: sqlite3.Connection, drafts: Sequence[ResponseDraft]) -> list[int]:
    """Store responses with their respondents and answers; return the response ids."""
    respondent_ids = insert_respondents(connection, [draft.respondent for draft in drafts])
    first = _next_id(connection, "hellocustomer_responses")
    connection.executemany(
        """INSERT INTO hellocustomer_responses (
            id, guid, touchpoint_guid, survey_guid, respondent_id, private_ip, public_ip,
            has_been_contacted, has_been_forwarded, has_been_disabled_for_review,
            date_surveyed, date_answer
        ) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [
            (
                first + index,
                draft.guid,
                draft.respondent.touchpoint_guid,
                draft.survey_guid,
                respondent_id,
                draft.private_ip,
                draft.public_ip,
                draft.has_been_contacted,
                draft.has_been_forwarded,
                draft.has_been_disabled_for_review,
                draft.date_surveyed,
                draft.date_answer,
            )
            for index, (draft, respondent_id) in enumerate(zip(drafts, respondent_ids, strict=True))
        ],
    )
    connection.executemany(
        "INSERT INTO hellocustomer_answers"
        " (guid, response_id, question_guid, value, text, boolean, options)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (
                answer.guid,
                first + index,
                answer.question_guid,
                answer.value,
                answer.text,
                answer.boolean,
                None if answer.options is None else json.dumps(list(answer.options)),
            )
            for index, draft in enumerate(drafts)
            for answer in draft.answers
        ],
    )
    return list(range(first, first + len(drafts)))


def change_response(
    connection: sqlite3.Connection, guid: str, flags: Mapping[str, bool]
) -> int | None:
    """Set follow-up flags of a response; return its id, or ``None`` when there is none.

    Args:
        connection: Where to write.
        guid: The response's GUID, lower case.
        flags: New values by column: ``has_been_contacted``, ``has_been_forwarded`` or
            ``has_been_disabled_for_review``.
    """
    row = connection.execute(
        "SELECT id FROM hellocustomer_responses WHERE guid = ?", (guid,)
    ).fetchone()
    if row is None:
        return None
    for column, value in flags.items():
        if column not in _FLAG_COLUMNS:
            raise ValueError(f"{column!r} is not a follow-up flag")
        connection.execute(
            f"UPDATE hellocustomer_responses SET {column} = ? WHERE id = ?",  # noqa: S608 - column checked above
            (int(value), row["id"]),
        )
    return int(row["id"])


_FLAG_COLUMNS = ("has_been_contacted", "has_been_forwarded", "has_been_disabled_for_review")
