"""A local HTTP server that behaves like the Buenno, FeedbackAPI and Hello Customer APIs.

Connectors, their tests and users' CI pipelines run against it when no real account is at
hand. Data is generated deterministically from a seed and kept in a SQLite file.

Use :class:`SandboxServer` from Python, or the ``survey-sandbox`` command.
"""

from survey_sandbox.server import SandboxServer

__all__ = ["SandboxServer"]
