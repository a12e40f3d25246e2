"""JSON Schemas of every stream, one file per stream under one folder per platform.

Installed as the package ``survey_schemas`` so that the files travel inside the
distribution; ``survey_common.schemas`` loads them.
"""
