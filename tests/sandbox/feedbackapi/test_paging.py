"""FeedbackAPI lists in the taps' order are paged through an index, never by sorting.

With a sort per request, page N of a large list costs N pages of work and reading
100,000 records costs minutes; the plan is what keeps a late page cheap.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from survey_sandbox.feedbackapi import queries
from survey_sandbox.feedbackapi import store as feedbackapi_store
from survey_sandbox.feedbackapi.lists import read_list_query


def _plans(kind: str, sort_by: str) -> list[str]:
    """Return the query plan details of every statement a late page of ``kind`` runs."""
    connection = sqlite3.connect(":memory:")
    connection.row_factory = sqlite3.Row
    for statement in feedbackapi_store.DDL:
        connection.execute(statement)
    statements: list[str] = []
    connection.set_trace_callback(statements.append)
    query = read_list_query(kind, {"limit": "100", "page": "900", "sort_by": sort_by})
    queries.list_records(connection, kind, feedbackapi_store.Scope(None), query)
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


def _customer(created: int) -> dict[str, int]:
    """Return the stored columns of a customer created at ``created``."""
    return {"created": created, "invalid": 0, "opt_out": 0}


def _customers_store(path: Path) -> sqlite3.Connection:
    """Return a connection to a new FeedbackAPI database with two customers."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.row_factory = sqlite3.Row
    for statement in feedbackapi_store.DDL:
        connection.execute(statement)
    feedbackapi_store.insert(connection, "customers", [_customer(1), _customer(2)])
    return connection


def _page(
    connection: sqlite3.Connection,
    totals: queries.ListTotals,
    statements: list[str],
    page: int = 0,
) -> tuple[int, list[str]]:
    """List a page of customers oldest first; return its total and the COUNTs it ran."""
    query = read_list_query(
        "customers", {"limit": "1", "page": str(page), "sort_by": "created-asc"}
    )
    statements.clear()
    total, _ = queries.list_records(
        connection, "customers", feedbackapi_store.Scope(None), query, totals
    )
    return total, [sql for sql in statements if "COUNT(*)" in sql]


def test_later_pages_of_unchanged_data_reuse_the_total(tmp_path):
    connection = _customers_store(tmp_path / "sandbox.db")
    statements: list[str] = []
    connection.set_trace_callback(statements.append)
    totals = queries.ListTotals()

    first = _page(connection, totals, statements)
    second = _page(connection, totals, statements, page=1)

    assert first[0] == second[0] == 2
    assert len(first[1]) == 1
    assert second[1] == []
    connection.close()


def test_a_total_is_counted_again_after_a_write_here_or_elsewhere(tmp_path):
    connection = _customers_store(tmp_path / "sandbox.db")
    statements: list[str] = []
    connection.set_trace_callback(statements.append)
    totals = queries.ListTotals()
    _page(connection, totals, statements)

    feedbackapi_store.insert(connection, "customers", [_customer(3)])
    after_own_write = _page(connection, totals, statements)
    with sqlite3.connect(tmp_path / "sandbox.db") as other:
        other.execute("UPDATE feedbackapi_customers SET deleted = 1 WHERE created = 1")
    other.close()
    after_other_write = _page(connection, totals, statements)

    assert after_own_write[0] == 3
    assert after_other_write[0] == 2
    assert len(after_other_write[1]) == 1
    connection.close()
