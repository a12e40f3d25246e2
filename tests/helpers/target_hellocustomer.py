"""Helpers for the tests in tests/target_hellocustomer/: constants, builders and runners they share."""

from __future__ import annotations

import json
import typing as t
from dataclasses import dataclass, field
from pathlib import Path

from target_hellocustomer.target import TargetHelloCustomer
from tests.helpers.target_runner import Message, TargetRun, push_stream, record

if t.TYPE_CHECKING:
    import requests
    import requests_mock as rm

API = "https://hellocustomer.test/V1.0/EN"
TOKEN = "hellocustomer-target-unit-token-7f3a"
TOUCHPOINT = "c8dc5f94-a9e8-4743-8744-e66a73a7e724"
OTHER_TOUCHPOINT = "1e82dea5-f254-4735-ba06-cfcccc756828"
DUTCH = "1b5c1275-4f92-422f-b1fc-799bf8e30598"
FRENCH = "901af5bc-06cb-4de0-b523-135ecfdc882a"
ENGLISH = "df88d743-1b99-44ef-b47f-260c78030ee7"
FIXTURES = Path(__file__).parents[1] / "tap_hellocustomer" / "fixtures"
FIELDS = {
    "respondents": (
        "email",
        "firstName",
        "first_name",
        "lastName",
        "phoneNumber",
        "custom_UniqueID",
        "campaign_UniqueID",
        "language_UniqueID",
        "language",
        "keyValues",
    ),
    "answers": (
        "CompanyUniqueID",
        "campaign_UniqueID",
        "languageUniqueId",
        "language",
        "cultureInfo",
        "metadata",
        "respondent",
        "answers",
    ),
}


def fixture(name: str) -> t.Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def batch_url(touchpoint: str = TOUCHPOINT) -> str:
    return f"{API}/campaign/{touchpoint}/respondent/addmultipletocache"


def answers_url(touchpoint: str = TOUCHPOINT) -> str:
    return f"{API}/campaign/{touchpoint}/answers/add"


def respondent(**values: t.Any) -> Message:
    return record("respondents", **values)


def answer(**values: t.Any) -> Message:
    return record("answers", **values)


def people(count: int, start: int = 0) -> list[Message]:
    return [respondent(email=f"person{n}@example.com") for n in range(start, start + count)]


def push(
    config: dict[str, t.Any],
    tmp_path: Path,
    stream: str,
    *body: Message,
    expect_error: type[Exception] | None = None,
) -> TargetRun:
    return push_stream(
        TargetHelloCustomer, FIELDS, config, tmp_path, stream, *body, expect_error=expect_error
    )


@dataclass
class FakeHelloCustomer:
    """addmultipletocache as the platform behaves: all or none, 400 for the whole batch.

    ``refused`` maps an email address to the message the platform refuses it with. With
    ``partial`` it takes the document's other reading: it adds the good respondents and
    answers 200 listing the refused ones (400 when none is good).
    """

    refused: dict[str, str] = field(default_factory=dict)
    partial: bool = False
    #: The emails of every call, in order, accepted or not.
    calls: list[list[str]] = field(default_factory=list)
    #: The respondents the platform holds.
    stored: list[dict[str, t.Any]] = field(default_factory=list)

    def install(self, mock: rm.Mocker, touchpoint: str = TOUCHPOINT) -> None:
        mock.post(batch_url(touchpoint), json=self.answer)

    def answer(self, request: requests.PreparedRequest, context: t.Any) -> t.Any:
        batch = json.loads(t.cast("bytes", request.body))
        self.calls.append([item["email"] for item in batch])
        if self.partial:
            return self.partial_answer(batch, context)
        for item in batch:
            if item["email"] in self.refused:
                context.status_code = 400
                return {"message": self.refused[item["email"]]}
        self.stored.extend(batch)
        return batch

    def partial_answer(self, batch: list[dict[str, t.Any]], context: t.Any) -> t.Any:
        refused = [
            {"index": index, "email": item["email"], "message": self.refused[item["email"]]}
            for index, item in enumerate(batch)
            if item["email"] in self.refused
        ]
        added = [item for item in batch if item["email"] not in self.refused]
        if not added:
            context.status_code = 400
            return {"message": refused[0]["message"]}
        self.stored.extend(added)
        return {"added": added, "refused": refused}

    @property
    def stored_emails(self) -> list[str]:
        return [item["email"] for item in self.stored]
