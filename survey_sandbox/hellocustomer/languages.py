"""Hello Customer's language table: the GUIDs a client sends as ``language_UniqueID``.

The vendor document lists every language the platform knows by name and GUID; requests
name a respondent's language by that GUID (in upper or lower case). The ISO 639-1 code is
added here so seeded data and ``--help`` can speak of languages briefly.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Language:
    """One row of the document's language table.

    Attributes:
        name: The name as the document writes it.
        guid: The GUID in lower case, the form the API writes it in.
        iso: The ISO 639-1 code.
    """

    name: str
    guid: str
    iso: str


LANGUAGES: tuple[Language, ...] = (
    Language("Dutch", "1b5c1275-4f92-422f-b1fc-799bf8e30598", "nl"),
    Language("French", "901af5bc-06cb-4de0-b523-135ecfdc882a", "fr"),
    Language("English", "df88d743-1b99-44ef-b47f-260c78030ee7", "en"),
    Language("German", "b913eca5-638c-4b5c-80fd-4bc9e3b29587", "de"),
    Language("Italian", "3d74560a-9aed-420c-99b8-b6ba8bb92202", "it"),
    Language("Spanish", "eb89af5e-c996-47db-ab22-60aa13a2dbf8", "es"),
    Language("Czech", "d9e0cfdf-034a-4d43-92f9-6ab246a9aa37", "cs"),
    Language("Danish", "efca8e5d-9394-4a19-b805-f6e41af76921", "da"),
    Language("Estonian", "90b0555c-f6b0-47f3-a68d-d3a1498d9c09", "et"),
    Language("Irish", "5d82f48c-a6ce-400d-971d-85c2c8677665", "ga"),
    Language("Croatian", "0b086fbc-cfd5-4284-8800-1959d2ecb5ea", "hr"),
    Language("Latvian", "98cf0fb8-234b-49b2-8a6c-23b99b154d52", "lv"),
    Language("Lithuanian", "e5366029-c68f-4f8d-93df-33b9439f9216", "lt"),
    Language("Hungarian", "cabfa802-7bb1-46c0-8acd-2ee75c11c249", "hu"),
    Language("Malti", "d917f99b-d6b7-418c-bc35-77fba939bbd7", "mt"),
    Language("Norsk", "3af8680c-3f2b-40f7-8ed3-2783b993cd86", "no"),
    Language("Polish", "0c801a28-7504-4b54-aa8e-3b327a5191b0", "pl"),
    Language("Portuguese", "d949e8c8-5e9e-421d-8103-6aa45083578d", "pt"),
    Language("Romanian", "73ee0c78-c21e-4c0e-97fb-3039b0d0877a", "ro"),
    Language("Slovac", "55c30d14-3acf-4828-8f95-30b0dc2318b6", "sk"),
    Language("Slovenian", "fb5a68d1-23eb-46d3-b266-f364d2ba56ed", "sl"),
    Language("Finnish", "a6f3b85b-817d-484f-88cc-2f5249293525", "fi"),
    Language("Swedish", "f7818f3a-7481-4b3d-bb53-2c4eff8b5b66", "sv"),
    Language("Turkish", "b2c03d11-701b-486c-88c0-e019a8461823", "tr"),
    Language("Greek", "80ceba7c-77ae-4a08-abe9-b9c5cd3f9084", "el"),
    Language("Bulgarian", "28526d05-eaf5-4869-9e46-1423921a7ccf", "bg"),
    Language("Russian", "9b576fe6-ba6d-40f4-b779-0101d8b79f7d", "ru"),
    Language("Chinese", "c11106f9-e9b0-4af3-bfe8-ef1497a9ffd0", "zh"),
    Language("Arabic", "c9b76975-23a0-4277-bd0f-ebe02fa3a314", "ar"),
)
"""Every language of the document, in the document's order."""

_BY_GUID = {language.guid: language for language in LANGUAGES}
_BY_ISO = {language.iso: language for language in LANGUAGES}


def language_by_guid(guid: str) -> Language | None:
    """Return the language with a GUID (already in canonical lower-case form), if any."""
    return _BY_GUID.get(guid)


def language_by_iso(iso: str) -> Language:
    """Return the language with an ISO 639-1 code, for the seed's fixed catalogue.

    Raises:
        KeyError: When the document lists no language with that code.
    """
    return _BY_ISO[iso]
