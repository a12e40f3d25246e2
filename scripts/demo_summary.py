"""What ``make demo`` prints at the end: what landed in DuckDB, NPS by month, the round trip.

Every figure is computed from the data the pipelines loaded (the DuckDB file) and, for the
push, from the sandbox's own database: the summary shows what the pipelines did, not what
they claimed. A pipeline that failed leaves some tables missing; the summary then shows
what is there.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import duckdb

from survey_sandbox.hellocustomer.store import ADDED_BY_CACHE

#: One query per platform giving (month, score) for every NPS answer it holds.
NPS_SCORES = {
    "Buenno": (
        "buenno.reply_answers",
        # question_type_id 13 is Buenno's NPS question; points hold its 0-10 score.
        "SELECT strftime(created_at, '%Y-%m'), points FROM buenno.reply_answers"
        " WHERE question_type_id = 13 AND points IS NOT NULL",
    ),
    "FeedbackAPI": (
        "feedbackapi.feedback",
        "SELECT strftime(created, '%Y-%m'), nps_score FROM feedbackapi.feedback"
        " WHERE nps_score IS NOT NULL",
    ),
    "Hello Customer": (
        "hellocustomer.response_answers",
        "SELECT strftime(dateanswer, '%Y-%m'), answer_value FROM hellocustomer.response_answers"
        " WHERE question_hasnpsvalueanswer AND answer_value IS NOT NULL",
    ),
}
#: Prefix the demo's stream maps give FeedbackAPI ids pushed to Hello Customer.
PUSHED_FEEDBACK = "feedbackapi-feedback-"


def table_counts(connection: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Rows per ``schema.table`` of the DuckDB file, in name order."""
    tables = connection.execute(
        "SELECT table_schema, table_name FROM information_schema.tables ORDER BY 1, 2"
    ).fetchall()
    counts = {}
    for schema, table in tables:
        # The names come from the file's own catalogue, quoted as identifiers.
        row = connection.execute(f'SELECT count(*) FROM "{schema}"."{table}"').fetchone()  # noqa: S608
        counts[f"{schema}.{table}"] = int(row[0]) if row else 0
    return counts


def nps_by_month(
    connection: duckdb.DuckDBPyConnection, tables: set[str]
) -> dict[str, dict[str, tuple[int, int]]]:
    """NPS and number of answers per month and platform: % promoters (9-10) - % detractors (0-6)."""
    figures: dict[str, dict[str, tuple[int, int]]] = {}
    for platform, (table, query) in NPS_SCORES.items():
        if table not in tables:
            continue
        rows = connection.execute(
            f"SELECT month, count(*), count(*) FILTER (WHERE score >= 9),"  # noqa: S608 - constant
            f" count(*) FILTER (WHERE score <= 6) FROM ({query}) AS scores(month, score)"
            " GROUP BY month"
        ).fetchall()
        for month, answers, promoters, detractors in rows:
            nps = round(100 * (promoters - detractors) / answers)
            figures.setdefault(month, {})[platform] = (nps, answers)
    return dict(sorted(figures.items()))


def round_trip(connection: duckdb.DuckDBPyConnection, tables: set[str]) -> tuple[int, int, int]:
    """FeedbackAPI ratings sent, read back from Hello Customer, and read back with their score."""
    if not {"feedbackapi.feedback", "hellocustomer.response_answers"} <= tables:
        return 0, 0, 0
    row = connection.execute(
        "SELECT count(DISTINCT f.id), count(DISTINCT r.uniqueid),"
        " count(DISTINCT r.uniqueid) FILTER (WHERE a.answer_value = f.nps_score)"
        " FROM feedbackapi.feedback f"
        " LEFT JOIN hellocustomer.responses r ON r.custom_uniqueid = ? || f.id"
        " LEFT JOIN hellocustomer.response_answers a"
        "   ON a.response_id = r.uniqueid AND a.question_hasnpsvalueanswer"
        " WHERE f.nps_score IS NOT NULL AND coalesce(f.subscriber_email, '') <> ''",
        [PUSHED_FEEDBACK],
    ).fetchone()
    return (int(row[0]), int(row[1]), int(row[2])) if row else (0, 0, 0)


def respondents_added(sandbox_db: Path) -> int:
    """Respondents the sandbox's Hello Customer received through addmultipletocache."""
    if not sandbox_db.exists():
        return 0
    with closing(sqlite3.connect(f"file:{sandbox_db}?mode=ro", uri=True)) as connection:
        row = connection.execute(
            "SELECT count(*) FROM hellocustomer_respondents WHERE added_by = ?", (ADDED_BY_CACHE,)
        ).fetchone()
    return int(row[0])


def print_summary(output: Path) -> None:
    """Print the summary of the demo whose files are in ``output``."""
    database = output / "survey.duckdb"
    if not database.exists():
        print(f"\nNothing was loaded: {database} does not exist.")
        return
    try:
        with closing(duckdb.connect(str(database), read_only=True)) as connection:
            counts = table_counts(connection)
            nps = nps_by_month(connection, set(counts))
            sent, read_back, same_score = round_trip(connection, set(counts))
    except duckdb.Error as error:
        print(f"\nCannot read {database}: {error}")
        return
    print(f"\nRows in {database} (DuckDB, one schema per platform):")
    for table, rows in counts.items():
        print(f"  {table:<34}{rows:>7}")
    _print_nps(nps)
    customers = counts.get("feedbackapi.customers", 0)
    respondents = respondents_added(output / "sandbox.db")
    print("\nPush round trip, FeedbackAPI -> Hello Customer -> DuckDB:")
    print(
        f"  respondents: the sandbox's Hello Customer holds {respondents} respondents pushed"
        f" from FeedbackAPI customers with an email ({customers} customers)"
    )
    print(
        f"  answers: {sent} FeedbackAPI NPS ratings pushed as surveys; tap-hellocustomer read"
        f" {read_back} back into hellocustomer.responses, {same_score} with the same score"
    )
    example = "SELECT * FROM hellocustomer.nps LIMIT 5"
    print(
        '\nQuery it yourself:\n  .venv/bin/python -c "import duckdb;'
        f" print(duckdb.connect('{database}', read_only=True).sql('{example}'))\""
    )


def _print_nps(nps: dict[str, dict[str, tuple[int, int]]]) -> None:
    """Print the NPS table: one row per month, one column per platform, answers in brackets."""
    if not nps:
        return
    platforms = list(NPS_SCORES)
    print("\nNPS by month (% promoters 9-10 minus % detractors 0-6; answers in brackets):")
    print("  month   " + "".join(f"{platform:>18}" for platform in platforms))
    for month, figures in nps.items():
        cells = [
            f"{figures[p][0]:+d} ({figures[p][1]})" if p in figures else "-" for p in platforms
        ]
        print(f"  {month} " + "".join(f"{cell:>18}" for cell in cells))
