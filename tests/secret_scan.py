"""One check that no API token leaks into what a connector leaves behind.

A token can leak in more shapes than its plain text: FeedbackAPI sends it as the user
of HTTP Basic auth, so its base64 form in a logged ``Authorization`` header is as bad,
and a token in a logged URL may be percent-encoded. Every test that runs a connector
at DEBUG passes what it saw (stdout, stderr, state, dead-letter lines, exception
messages) to :func:`assert_no_secrets`.
"""

from __future__ import annotations

import base64
import typing as t
import urllib.parse

from survey_sandbox.buenno_seed import BUENNO_TOKEN, BUENNO_TOKEN_2
from survey_sandbox.feedbackapi_seed import FEEDBACKAPI_CLIENT_TOKEN, FEEDBACKAPI_TOKEN
from survey_sandbox.hellocustomer_seed import HELLOCUSTOMER_TOKEN, HELLOCUSTOMER_TOKEN_2

if t.TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

#: Every token the sandbox accepts; a test may add the ones it made up.
SANDBOX_TOKENS = (
    BUENNO_TOKEN,
    BUENNO_TOKEN_2,
    FEEDBACKAPI_TOKEN,
    FEEDBACKAPI_CLIENT_TOKEN,
    HELLOCUSTOMER_TOKEN,
    HELLOCUSTOMER_TOKEN_2,
)


def secret_forms(secret: str) -> set[str]:
    """Return the shapes in which ``secret`` could appear in text: plain, URL, Basic auth."""
    forms = {secret, urllib.parse.quote(secret, safe=""), urllib.parse.quote_plus(secret)}
    for user_password in (f"{secret}:", f"{secret}:X"):
        forms.add(base64.b64encode(user_password.encode()).decode())
    return forms


def assert_no_secrets(
    outputs: Mapping[str, str | bytes], secrets: Iterable[str] = SANDBOX_TOKENS
) -> None:
    """Fail naming the output and the secret when any token shows in any of ``outputs``.

    Args:
        outputs: What a connector left behind, by a name for the failure message
            (``"stderr"``, ``"dead-letter file"``, ``"state"``, ...).
        secrets: The tokens to look for; the sandbox's by default.
    """
    leaks = [
        f"{name} contains {secret!r} (as {form!r})"
        for name, text in outputs.items()
        for secret in secrets
        for form in sorted(secret_forms(secret))
        if form in (text.decode(errors="replace") if isinstance(text, bytes) else text)
    ]
    assert not leaks, "secrets leaked: " + "; ".join(leaks)
