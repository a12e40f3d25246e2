"""The ledger: a rerun on the same input invites nobody again, whatever Buenno's 409 keys on."""

from __future__ import annotations

import typing as t

from tests.helpers.target_buenno import CREATED, INVITATIONS, invitation, push

if t.TYPE_CHECKING:
    from pathlib import Path

    import requests_mock as rm


def test_a_person_in_the_ledger_is_not_invited_again(
    requests_mock: rm.Mocker, config: dict[str, t.Any], tmp_path: Path
) -> None:
    # An API that answers every invitation with a new one, never 409.
    requests_mock.post(INVITATIONS, json=CREATED)
    people = [
        invitation(email="anna@example.com", form_id=2),
        invitation(phone="+358 40 123 4567", form_id=2),
        invitation(pf_external_id="crm-7", email="bo@example.com", form_id=2),
    ]

    push(config, tmp_path, *people)
    push(config, tmp_path, *people, invitation(email="anna@example.com", form_id=4))

    # The second run sends only the person not invited to that form before.
    assert len(requests_mock.request_history) == len(people) + 1


def test_without_a_ledger_a_rerun_relies_on_buennos_409(
    requests_mock: rm.Mocker, config: dict[str, t.Any], tmp_path: Path
) -> None:
    requests_mock.post(INVITATIONS, json=CREATED)
    person = invitation(email="anna@example.com", form_id=2)

    push({**config, "ledger_path": ""}, tmp_path, person)
    push({**config, "ledger_path": ""}, tmp_path, person)

    assert len(requests_mock.request_history) == 2
