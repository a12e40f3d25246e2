"""A respondent's language, given as a code, a name or a GUID, as the GUID Hello Customer takes.

The API takes ``language_UniqueID``, a GUID from the document's table; CRMs store a
language as an ISO 639-1 code or a name. The table is tap-hellocustomer's
(``tap_hellocustomer.languages``); the three names the document writes otherwise
(Malti, Norsk, Slovac) are understood as well.
"""

from __future__ import annotations

import contextlib
import uuid

from tap_hellocustomer.languages import LANGUAGES

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
