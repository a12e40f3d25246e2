"""The Hello Customer API as tap-hellocustomer and target-hellocustomer both speak it.

The ``Authorization: basic <token>`` header, the error messages in whatever shape
they come, the connection settings, the pacing setting (the API answers 429 to calls
less than a second apart) and the document's language table: responses name their
language only by GUID and the API has no call that lists languages, so the table is
copied from the document. GUIDs are written in lower case, as responses carry them,
so that warehouses can join on them as they are. Names are in English; the document
writes three of them otherwise (Malti, Norsk, Slovac), which ``language_guid``
understands as well, since CRMs store a language as a code or a name.
"""

from __future__ import annotations

import contextlib
import typing as t
import uuid

from singer_sdk import typing as th
from singer_sdk.authenticators import APIKeyAuthenticator

from survey_common.settings import connection_settings

DEFAULT_API_URL = "https://api.hellocustomer.com/V1.0/EN"
#: The token and base URL settings, the same for the tap and the target.
CONNECTION_SETTINGS = connection_settings(
    "the Hello Customer API",
    "Hello Customer API token, created in the platform; sent as 'Authorization: basic <token>'.",
    DEFAULT_API_URL,
)
#: A touchpoint GUID as the platform shows it, in either case.
GUID_PATTERN = "^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$"
#: The pacing setting: one limiter for every call of a run, declared and described once.
MIN_REQUEST_INTERVAL = th.Property(
    "min_request_interval",
    th.NumberType(minimum=0),
    default=1.0,
    title="Minimum request interval",
    description=(
        "Seconds between two calls, across all streams and touchpoints. Hello "
        "Customer answers 429 to calls less than 1 second apart."
    ),
)


def authenticator(token: str) -> APIKeyAuthenticator:
    """Send the token in the ``Authorization`` header, never in the URL."""
    return APIKeyAuthenticator(
        key="Authorization", value=authorization_value(token), location="header"
    )


def authorization_value(token: str) -> str:
    """Return the ``Authorization`` header value the document prescribes for a token."""
    return f"basic {token}"


def error_message(body: t.Any) -> str | None:
    """Return Hello Customer's explanation from an error body, if it has one.

    The document lists validation messages without an envelope; they come as a JSON
    string, as ``{"message": ...}`` or as a list of such messages.
    """
    if isinstance(body, str):
        return body.strip() or None
    if isinstance(body, dict):
        for key in ("message", "Message", "error", "title"):
            if body.get(key):
                return str(body[key])
        return None
    if isinstance(body, list):
        messages = [message for item in body if (message := error_message(item))]
        return "; ".join(messages) or None
    return None


class Language(t.NamedTuple):
    """One row of the table: the GUID, the English name and the ISO 639-1 code."""

    guid: str
    name: str
    iso_639_1: str


#: Every language of the document, in the document's order.
LANGUAGES: tuple[Language, ...] = (
    Language("1b5c1275-4f92-422f-b1fc-799bf8e30598", "Dutch", "nl"),
    Language("901af5bc-06cb-4de0-b523-135ecfdc882a", "French", "fr"),
    Language("df88d743-1b99-44ef-b47f-260c78030ee7", "English", "en"),
    Language("b913eca5-638c-4b5c-80fd-4bc9e3b29587", "German", "de"),
    Language("3d74560a-9aed-420c-99b8-b6ba8bb92202", "Italian", "it"),
    Language("eb89af5e-c996-47db-ab22-60aa13a2dbf8", "Spanish", "es"),
    Language("d9e0cfdf-034a-4d43-92f9-6ab246a9aa37", "Czech", "cs"),
    Language("efca8e5d-9394-4a19-b805-f6e41af76921", "Danish", "da"),
    Language("90b0555c-f6b0-47f3-a68d-d3a1498d9c09", "Estonian", "et"),
    Language("5d82f48c-a6ce-400d-971d-85c2c8677665", "Irish", "ga"),
    Language("0b086fbc-cfd5-4284-8800-1959d2ecb5ea", "Croatian", "hr"),
    Language("98cf0fb8-234b-49b2-8a6c-23b99b154d52", "Latvian", "lv"),
    Language("e5366029-c68f-4f8d-93df-33b9439f9216", "Lithuanian", "lt"),
    Language("cabfa802-7bb1-46c0-8acd-2ee75c11c249", "Hungarian", "hu"),
    Language("d917f99b-d6b7-418c-bc35-77fba939bbd7", "Maltese", "mt"),
    Language("3af8680c-3f2b-40f7-8ed3-2783b993cd86", "Norwegian", "no"),
    Language("0c801a28-7504-4b54-aa8e-3b327a5191b0", "Polish", "pl"),
    Language("d949e8c8-5e9e-421d-8103-6aa45083578d", "Portuguese", "pt"),
    Language("73ee0c78-c21e-4c0e-97fb-3039b0d0877a", "Romanian", "ro"),
    Language("55c30d14-3acf-4828-8f95-30b0dc2318b6", "Slovak", "sk"),
    Language("fb5a68d1-23eb-46d3-b266-f364d2ba56ed", "Slovenian", "sl"),
    Language("a6f3b85b-817d-484f-88cc-2f5249293525", "Finnish", "fi"),
    Language("f7818f3a-7481-4b3d-bb53-2c4eff8b5b66", "Swedish", "sv"),
    Language("b2c03d11-701b-486c-88c0-e019a8461823", "Turkish", "tr"),
    Language("80ceba7c-77ae-4a08-abe9-b9c5cd3f9084", "Greek", "el"),
    Language("28526d05-eaf5-4869-9e46-1423921a7ccf", "Bulgarian", "bg"),
    Language("9b576fe6-ba6d-40f4-b779-0101d8b79f7d", "Russian", "ru"),
    Language("c11106f9-e9b0-4af3-bfe8-ef1497a9ffd0", "Chinese", "zh"),
    Language("c9b76975-23a0-4277-bd0f-ebe02fa3a314", "Arabic", "ar"),
)


#: The document's own spellings of three names, by ISO 639-1 code.
_DOCUMENT_NAMES = {"malti": "mt", "norsk": "no", "slovac": "sk"}

#: Every accepted spelling, folded, to the GUID in lower case.
_GUIDS: dict[str, str] = {
    **{language.guid: language.guid for language in LANGUAGES},
    **{language.name.casefold(): language.guid for language in LANGUAGES},
    **{language.iso_639_1: language.guid for language in LANGUAGES},
}
_GUIDS.update({name: _GUIDS[code] for name, code in _DOCUMENT_NAMES.items()})

#: What a language may be given as, for messages.
ACCEPTED = "an ISO 639-1 code, an English name or a GUID of the Hello Customer document's table"


def language_guid(value: str) -> str:
    """Return the GUID of a language given as a code, a name or a GUID, in any case.

    Raises:
        ValueError: the value names no language of the document's table.
    """
    text = value.strip().casefold()
    with contextlib.suppress(ValueError):  # a GUID in any spelling .NET reads
        text = str(uuid.UUID(text))
    guid = _GUIDS.get(text)
    if guid is None:
        raise ValueError(f"must be {ACCEPTED}")
    return guid
