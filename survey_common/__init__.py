"""Behaviour shared by every connector of the suite, written once.

Retry policy, response decoding and error wording for HTTP clients, timestamp
conversions and secret-safe settings validation live here so that the taps and
targets of the three platforms behave the same way.
"""
