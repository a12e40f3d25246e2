"""``survey-probe``: settle the points of the readings register against a real account.

Given a platform's settings (the tap's own config file), it makes a handful of read-only
calls and prints, for each register point it can settle, which reading the API takes and
how it knows: counts, statuses and the register's words, never record data or a token.
Each platform's checks live in a module of their own (``survey_probe.buenno``, ...);
:mod:`survey_probe.cli` runs them.
"""
