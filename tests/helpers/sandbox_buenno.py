"""What the sandbox tests share besides fixtures: a small API client and the shared size."""

from __future__ import annotations

from typing import Any

import requests

from survey_sandbox.buenno.seed import BUENNO_TOKEN

# Large enough that token 1's three forms hold more than 1000 replies in total.
SHARED_SIZE = 400


class BuennoClient:
    """Calls one sandbox's Buenno API with a token, the way a connector would."""

    def __init__(self, session: requests.Session, base_url: str, token: str = BUENNO_TOKEN):
        self.session = session
        self.base_url = base_url
        self.token = token

    def get(self, path: str, **params: Any) -> requests.Response:
        return self.session.get(
            self.base_url + path, params=params, headers={"api-auth-token": self.token}, timeout=10
        )

    def post(self, path: str, **form: Any) -> requests.Response:
        return self.session.post(
            self.base_url + path, data=form, headers={"api-auth-token": self.token}, timeout=10
        )
