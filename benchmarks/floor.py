"""The floor a tap is measured against: a plain ``requests`` loop over the same pages.

It asks the sandbox for exactly the pages the tap asks for and writes each record as the
Singer RECORD line the tap writes (with the read's version where the tap sends one, and
the time the record was extracted) with the standard library's JSON encoder, and nothing
else: no schema work, no state, no logging. It prints the number of records on stderr.

Usage: ``python -m benchmarks.floor buenno|feedbackapi API_URL TOKEN``
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
import typing as t

import requests

if t.TYPE_CHECKING:
    from collections.abc import Iterator

#: Replies page size and filter of tap-buenno's first sync (no start_date).
BUENNO_PAGE = 1000
BUENNO_SPAN = {"from": "1970-01-01T00:00:00Z", "to": "2100-01-01T00:00:00Z"}
#: Customers page size of tap-feedbackapi.
FEEDBACKAPI_PAGE = 100


def buenno_replies(session: requests.Session, api_url: str, token: str) -> Iterator[t.Any]:
    """Yield every reply, a thousand to a page, until a short page."""
    session.headers["api-auth-token"] = token
    offset = 0
    while True:
        params: dict[str, str | int] = {**BUENNO_SPAN, "limit": BUENNO_PAGE, "offset": offset}
        page = session.get(f"{api_url}/replies", params=params, timeout=60).json()["replies"]
        yield from page
        if len(page) < BUENNO_PAGE:
            return
        offset += BUENNO_PAGE


def feedbackapi_customers(session: requests.Session, api_url: str, token: str) -> Iterator[t.Any]:
    """Yield every customer, oldest first, a hundred to a page, up to the reported total."""
    session.auth = (token, "")
    page_number = 0
    while True:
        params: dict[str, str | int] = {
            "limit": FEEDBACKAPI_PAGE,
            "page": page_number,
            "sort_by": "created-asc",
        }
        body = session.get(f"{api_url}/customers", params=params, timeout=60).json()
        yield from body["data"]
        page_number += 1
        if len(body["data"]) < FEEDBACKAPI_PAGE or page_number * FEEDBACKAPI_PAGE >= int(
            body["total_count"]
        ):
            return


#: Each platform's stream, its reader, and whether the tap reads it whole (a version).
READERS = {
    "buenno": ("replies", buenno_replies, False),
    "feedbackapi": ("customers", feedbackapi_customers, True),
}


def main(argv: list[str]) -> int:
    """Read one platform's stream and write it to stdout as RECORD lines."""
    platform, api_url, token = argv
    stream, reader, versioned = READERS[platform]
    version = {"version": round(time.time())} if versioned else {}
    out = sys.stdout
    count = 0
    with requests.Session() as session:
        for record in reader(session, api_url, token):
            extracted = dt.datetime.now(dt.timezone.utc).isoformat()[:-6] + "Z"
            message = {"type": "RECORD", "stream": stream, "record": record, **version}
            message["time_extracted"] = extracted
            out.write(json.dumps(message))
            out.write("\n")
            count += 1
    out.flush()
    print(count, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
