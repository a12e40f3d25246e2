"""How Hello Customer reads field names and metadata, applied to records before they are checked.

The platform binds JSON the way ASP.NET does: a property matches in any case, and the
document itself writes the same field as ``firstName`` in one call and ``FirstName`` in
another. CRMs and databases name their columns in snake_case (``first_name``,
``custom_unique_id``). A record's field names are therefore matched to the document's
ignoring case and underscores. Metadata (``keyValues``, ``metadata``) is text on the
platform; numbers and yes/no values from a source are written as text.
"""

from __future__ import annotations

import typing as t

from survey_common.push.fields import text_value
from survey_common.push.report import RecordRejectedError

if t.TYPE_CHECKING:
    from collections.abc import Iterable, Mapping


def _folded(name: str) -> str:
    """A field name without case and underscores: ``first_name``, ``FirstName`` -> ``firstname``."""
    return name.replace("_", "").casefold()


def document_names(values: Mapping[str, t.Any], names: Iterable[str]) -> dict[str, t.Any]:
    """Return ``values`` with every field that matches one of ``names`` renamed to it.

    Other fields keep their names. Two spellings of one field may both be given when
    they agree or one of them is null.

    Raises:
        RecordRejectedError: two spellings of one field hold different values.
    """
    by_folded = {_folded(name): name for name in names}
    renamed: dict[str, t.Any] = {}
    spelling: dict[str, str] = {}
    for field, value in values.items():
        name = by_folded.get(_folded(field), field)
        if name in renamed and value is None:
            continue
        if renamed.get(name) is not None and renamed[name] != value:
            raise RecordRejectedError(
                f"{spelling[name]} and {field} are the same field with different values"
            )
        renamed[name], spelling[name] = value, field
    return renamed


def metadata_texts(values: Mapping[str, t.Any] | None) -> dict[str, str]:
    """Return metadata as the platform's text values, leaving out nulls and blanks."""
    texts = {}
    for key, value in (values or {}).items():
        text = ("true" if value else "false") if isinstance(value, bool) else text_value(value)
        if text is not None:
            texts[str(key)] = text
    return texts
