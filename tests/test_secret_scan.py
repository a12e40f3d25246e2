"""The secret scanner itself: it must catch a token in every shape it can leak in."""

from __future__ import annotations

import base64

import pytest

from tests.secret_scan import assert_no_secrets

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
