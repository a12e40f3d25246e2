"""Where stream schemas come from: the JSON files shipped as ``survey_schemas``."""

from __future__ import annotations

import importlib.resources

from singer_sdk.schema.source import SchemaDirectory, StreamSchema

#: The package the top-level ``schemas/`` folder is installed as.
SCHEMA_PACKAGE = "survey_schemas"


def platform_schemas(platform: str) -> StreamSchema[str]:
    """Return a schema descriptor loading ``schemas/<platform>/<stream name>.json``.

    Works the same from a checkout, an editable install and a wheel, whatever the
    working directory.
    """
    folder = importlib.resources.files(SCHEMA_PACKAGE).joinpath(platform)
    return StreamSchema(SchemaDirectory(folder))
