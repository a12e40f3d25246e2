"""Bodies decode to the same values whichever decoder reads them, fractions exact."""

from __future__ import annotations

import decimal

import pytest
import requests

from survey_common.tap.decoding import decode_json


def answer(body: bytes, content_type: str = "application/json; charset=utf-8") -> requests.Response:
    response = requests.Response()
    response.status_code = 200
    response._content = body  # a response as requests builds it from the wire
    response.headers["Content-Type"] = content_type
    response.encoding = requests.utils.get_encoding_from_headers(response.headers)
    return response


@pytest.mark.parametrize(
    "body",
    [
        b'{"avg_score": 4.50, "big": 1e400, "tiny": -0.0, "count": 12345678901234567890}',
        b'{"name": "\\u00c4ij\\u00e4l\\u00e4 \xc3\xa4", "list": [1, 2.5, null, true]}',
        b'{"same": 1, "same": 2}',
        b'\xef\xbb\xbf{"bom": 1.5}',  # a byte order mark: decoded as before
        b'{"lone": "\\ud800"}',  # a lone surrogate msgspec refuses: decoded as before
    ],
)
def test_a_body_decodes_to_what_requests_reads_with_decimal_fractions(body: bytes) -> None:
    expected = answer(body).json(parse_float=decimal.Decimal)
    decoded = decode_json(answer(body))
    assert decoded == expected
    assert [type(v) for v in decoded.values()] == [type(v) for v in expected.values()]


def test_fractions_keep_their_digits() -> None:
    decoded = decode_json(answer(b'{"score": 4.50, "exp": 1E-7}'))
    assert decoded == {"score": decimal.Decimal("4.50"), "exp": decimal.Decimal("1E-7")}
    assert str(decoded["score"]) == "4.50"


def test_a_body_in_another_character_set_is_read_in_that_one() -> None:
    body = '{"name": "Ã¤"}'.encode("latin-1")  # also valid UTF-8, where it reads "ä"
    assert decode_json(answer(body, "application/json; charset=iso-8859-1")) == {"name": "Ã¤"}


def test_a_body_that_is_not_json_raises_value_error() -> None:
    with pytest.raises(ValueError, match="Expecting value"):
        decode_json(answer(b"<html>502 Bad Gateway</html>", "text/html"))
    with pytest.raises(ValueError, match="Expecting ':' delimiter"):
        decode_json(answer(b'{"replies": [{"id": 1}, {"id"'))
    with pytest.raises(ValueError, match="Expecting value"):
        decode_json(answer(b'{"score": NaN}'))
