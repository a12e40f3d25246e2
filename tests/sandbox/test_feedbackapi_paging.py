"""FeedbackAPI lists in the taps' order are paged through an index, never by sorting.

With a sort per request, page N of a large list costs N pages of work and reading
100,000 records costs minutes; the plan is what keeps a late page cheap.
"""

from __future__ import annotations

import sqlite3

import pytest

from survey_sandbox import feedbackapi_store
from survey_sandbox.feedbackapi_lists import read_list_query


def _plans(kind: str, sort_by: str) -> list[str]:
    """Return the query plan details of every statement a late page of ``kind`` runs."""
    connection = sqlite3.connect(":memory:")
    connection.row_factory = sqlite3.Row
    for statement in feedbackapi_store.DDL:
        connection.execute(statement)
    statements: list[str] = []
    connection.set_trace_callback(statements.append)
    query = read_list_query(kind, {"limit": "100", "page": "900", "sort_by": sort_by})
    feedbackapi_store.list_records(connection, kind, feedbackapi_store.Scope(None), query)
    connection.set_trace_callback(None)
    plans = [
        " | ".join(row[3] for row in connection.execute(f"EXPLAIN QUERY PLAN {sql}"))
        for sql in statements
    ]
    connection.close()
    return plans


@pytest.mark.parametrize(
    ("kind", "sort_by", "index"),
    [
        ("customers", "created-asc", "feedbackapi_customers_paging"),
        ("customers", "created-desc", "feedbackapi_customers_paging"),
        ("reviews", "created-asc", "feedbackapi_reviews_paging"),
        ("feedback", "created-asc", "feedbackapi_feedback_paging"),
        ("feedback_requests", "updated-asc", "feedbackapi_requests_updated"),
    ],
)
def test_a_late_page_in_the_taps_order_walks_an_index(kind, sort_by, index):
    count, page = _plans(kind, sort_by)

    assert "TEMP B-TREE" not in page
    assert f"USING INDEX {index}" in page
    assert "TEMP B-TREE" not in count
