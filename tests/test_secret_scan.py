"""The secret scanner itself: it must catch a token in every shape it can leak in."""

from __future__ import annotations

import base64

import pytest

from tests.helpers.secret_scan import assert_no_personal_data, assert_no_secrets, personal_data

TOKEN = "s3cr3t/token+x"


@pytest.mark.parametrize(
    "leak",
    [
        f"GET /token-info?token={TOKEN}",
        "Authorization: Basic " + base64.b64encode(f"{TOKEN}:".encode()).decode(),
        "url=https://api.example/?t=s3cr3t%2Ftoken%2Bx",
    ],
)
def test_a_token_in_any_shape_is_caught_and_named(leak: str) -> None:
    with pytest.raises(AssertionError, match="stderr contains 's3cr3t/token\\+x'"):
        assert_no_secrets({"stdout": "clean", "stderr": f"DEBUG {leak}"}, [TOKEN])


def test_output_without_the_token_passes() -> None:
    assert_no_secrets({"stderr": b"DEBUG Authorization: Basic ***", "state": "{}"}, [TOKEN])


RECORD = {
    "type": "RECORD",
    "stream": "customers",
    "record": {"email": "Aino@Example.com", "mobile_number": "040 123 4567", "country_code": "FI"},
}


@pytest.mark.parametrize(
    "leak",
    [
        "GET /customers?email=aino%40example.com",
        "mobile_number=%2B358401234567",
        "sent 00358401234567",
        "digits 0401234567",
    ],
)
def test_contact_details_of_the_input_are_caught_in_their_forms(leak: str) -> None:
    with pytest.raises(AssertionError, match="personal data leaked: stderr contains"):
        assert_no_personal_data({"stderr": f"DEBUG {leak}"}, personal_data([RECORD]))


def test_a_log_without_contact_details_passes() -> None:
    assert_no_personal_data(
        {"stderr": "GET /customers?[query hidden] 200"}, personal_data([RECORD])
    )
