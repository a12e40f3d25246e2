"""Talking to a survey API over HTTP: retries, pacing, error wording and secret-safe logs.

Used by the taps (through :mod:`survey_common.tap`) and the targets (through
:mod:`survey_common.push`) alike, so both read and explain a platform's answers the same way.
"""
