"""Properties deselected in the catalog are left out of records; partition keys are added."""

from __future__ import annotations

import contextlib
import io
import typing as t

from tap_buenno.tap import TapBuenno
from tests.helpers.singer_output import SingerOutput, parse_messages
from tests.helpers.tap_buenno import API, fixture, invitation, reply

if t.TYPE_CHECKING:
    import requests_mock as rm


def run_selecting(
    config: dict[str, t.Any], stream: str, deselected: tuple[str, ...] = ()
) -> SingerOutput:
    """Run the tap with a catalog selecting ``stream`` only, less the ``deselected`` properties."""
    catalog = TapBuenno(config=config, parse_env_config=False).catalog_dict
    for entry in catalog["streams"]:
        for metadata in entry["metadata"]:
            breadcrumb = metadata["breadcrumb"]
            if not breadcrumb:
                metadata["metadata"]["selected"] = entry["tap_stream_id"] == stream
            elif breadcrumb[-1] in deselected:
                metadata["metadata"]["selected"] = False
    tap = TapBuenno(config=config, catalog=catalog, parse_env_config=False)
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        tap.sync_all()
    return parse_messages(buffer.getvalue())


def serve_replies(requests_mock: rm.Mocker) -> None:
    requests_mock.get(f"{API}/token-info", json=fixture("token_info"))
    body = {"replies": [reply(1), reply(2)], "total": "2", "limit": "1000", "offset": "0"}
    requests_mock.get(f"{API}/replies", json=body)


def test_deselected_properties_are_left_out_of_every_record(
    requests_mock: rm.Mocker, config: dict[str, t.Any]
) -> None:
    serve_replies(requests_mock)
    output = run_selecting(config, "replies", deselected=("email", "answers"))
    records = output.records("replies")
    assert [r["id"] for r in records] == [1, 2]
    assert all("email" not in r and "answers" not in r for r in records)
    assert all("created_at" in r and "name" in r for r in records)


def test_every_property_is_kept_when_every_property_is_selected(
    requests_mock: rm.Mocker, config: dict[str, t.Any]
) -> None:
    serve_replies(requests_mock)
    records = run_selecting(config, "replies").records("replies")
    assert all("email" in r and "answers" in r for r in records)


def test_a_record_without_its_partition_key_gets_it_from_the_partition(
    requests_mock: rm.Mocker, config: dict[str, t.Any]
) -> None:
    requests_mock.get(f"{API}/token-info", json=fixture("token_info"))
    form_id = fixture("token_info")["api_token"]["forms"][0]["id"]
    without_form = {k: v for k, v in invitation(7, form_id).items() if k != "form_id"}
    requests_mock.get(
        f"{API}/invitations",
        json=lambda request, context: {
            "invitations": [without_form] if request.qs["offset"] == ["0"] else []
        },
    )
    records = run_selecting({**config, "form_ids": [form_id]}, "invitations").records("invitations")
    assert records == [{**records[0], "form_id": form_id}]
    assert records[0]["id"] == 7


def run_to_binary_stdout(config: dict[str, t.Any]) -> SingerOutput:
    """Run the tap with stdout on bytes, as a tap run as a command writes (replies only)."""
    run_selecting(config, "replies")  # the catalog check, on text stdout
    catalog = TapBuenno(config=config, parse_env_config=False).catalog_dict
    for entry in catalog["streams"]:
        for metadata in entry["metadata"]:
            if not metadata["breadcrumb"]:
                metadata["metadata"]["selected"] = entry["tap_stream_id"] == "replies"
    tap = TapBuenno(config=config, catalog=catalog, parse_env_config=False)
    raw = io.BytesIO()
    stdout = io.TextIOWrapper(raw, write_through=True)
    with contextlib.redirect_stdout(stdout):
        tap.sync_all()
        stdout.flush()
    return parse_messages(raw.getvalue().decode())


def test_a_stream_map_still_shapes_records_written_as_bytes(
    requests_mock: rm.Mocker, config: dict[str, t.Any]
) -> None:
    serve_replies(requests_mock)
    plain = run_to_binary_stdout(config).records("replies")
    mapped = run_to_binary_stdout({**config, "stream_maps": {"replies": {"email": None}}})

    assert [r["id"] for r in plain] == [1, 2]
    assert all("email" in r for r in plain)
    assert [r["id"] for r in mapped.records("replies")] == [1, 2]
    assert all("email" not in r for r in mapped.records("replies"))


def test_flattening_still_flattens_records_written_as_bytes(
    requests_mock: rm.Mocker, config: dict[str, t.Any]
) -> None:
    serve_replies(requests_mock)
    flat = run_to_binary_stdout(
        {**config, "flattening_enabled": True, "flattening_max_depth": 1}
    ).records("replies")

    assert all("answers" in r and isinstance(r["answers"], str) for r in flat)
