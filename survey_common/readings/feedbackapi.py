"""The register's points for the feedbackapi API document (``../shared/api-docs``): reads.

The keys are constants here because three places name them: the sandbox (its switch), the
tap (what it learns) and ``survey-probe`` (what it settles).
"""

from __future__ import annotations

from survey_common.readings.point import ReadingPoint

PAGE_BASE = "feedbackapi.page-base"
FILTER_BOUNDS = "feedbackapi.filter-bounds"
FILTER_FORMAT = "feedbackapi.filter-format"
SORT_BY = "feedbackapi.sort-by"
TOTAL_COUNT = "feedbackapi.total-count"
TIMESTAMPS = "feedbackapi.timestamps"
SCORE_KEYS = "feedbackapi.score-keys"
ACCOUNTS_REQUIRED_FILTERS = "feedbackapi.accounts-required-filters"

_TAP_TESTS = "tests/integration/test_tap_feedbackapi.py"
_UNIT = "tests/tap_feedbackapi/test_readings.py"
_PROBE = "tests/probe/test_feedbackapi.py"
_SANDBOX = "tests/sandbox/feedbackapi/test_readings.py"

FEEDBACKAPI_POINTS: tuple[ReadingPoint, ...] = (
    ReadingPoint(
        key=PAGE_BASE,
        platform="feedbackapi",
        title="Page numbering",
        quote=(
            "page optional, default is 0 — The starting page to return results from "
            'beginning at 0. (Every example list answers "page":1.)'
        ),
        ours=(
            "Pages count from 0 as the text says; the envelope's `page` is the 0-based page plus 1."
        ),
        other=(
            "Pages count from 1, as every example's envelope says; page 0 is answered as "
            "page 1 (the sandbox does so)."
        ),
        connector=(
            "Starts at page 0 and advances by what came back. When page 1 holds exactly the "
            "records of page 0, it has learned that pages count from 1: it logs that once, "
            "drops the repeat and goes on with page 2 (and starts later lists at page 1). "
            "Paging ends at an empty page or when the distinct records read reach the "
            "largest `total_count` reported, never on a short page. A later page equal to "
            "the one before stops the run with one line: the API ignores `page`."
        ),
        tests=(
            f"{_TAP_TESTS}::test_full_sync_extracts_every_record_of_all_seven_resources",
            f"{_UNIT}::test_pages_counted_from_one_are_learned_and_nothing_is_lost",
            f"{_UNIT}::test_a_page_parameter_that_is_ignored_stops_the_run",
        ),
        probe="Reads page 0 and page 1 of the customers list with limit 1 and compares ids.",
    ),
    ReadingPoint(
        key=FILTER_BOUNDS,
        platform="feedbackapi",
        title="Are `*_after` / `*_before` bounds inclusive?",
        quote=(
            "created_after — A filter on the list based on the created field with this "
            "being the lower limit. (created_before: the upper limit; the same for "
            "updated_* and due_*.)"
        ),
        ours="A limit is included: `created_after=X` returns records created at X.",
        other="Both bounds exclude their instant (`>` and `<`).",
        connector=(
            "Sends the lower bound one second before the bookmark and the upper bound one "
            "second after the sync's start, so the bookmark's own second and the start's "
            "are read under both readings; records read again are emitted once more at "
            "most (or dropped when older than the bookmark, which earlier runs emitted)."
        ),
        tests=(
            f"{_TAP_TESTS}::test_rerun_with_state_reads_only_new_and_changed_records",
            f"{_UNIT}::test_records_at_the_bookmarks_second_are_read_under_both_bounds",
        ),
        probe=(
            "Lists customers with created_after and created_before both set to one "
            "customer's creation second: inclusive bounds return it, exclusive ones do not."
        ),
    ),
    ReadingPoint(
        key=FILTER_FORMAT,
        platform="feedbackapi",
        title="Filter values: ISO 8601 or epoch seconds?",
        quote=(
            "created_after — The value is a string with an ISO 8601 timestamp. (Every "
            "example sends created_after=1483228800.)"
        ),
        ours="Both are accepted; the tap sends epoch seconds as the examples do.",
        other=(
            "Only ISO 8601 is accepted, as the attribute tables say: epoch seconds get a 400 "
            "`invalid_request_error` naming the parameter (the sandbox does so)."
        ),
        connector=(
            "On a 400 whose `param` is one of its date filters it logs once that the API "
            "wants ISO 8601, sends the same call again with ISO values and sends ISO from "
            "then on. Had the API ignored the filter instead, every record it answers is "
            "kept and those older than the bookmark are known to be emitted already."
        ),
        tests=(
            f"{_TAP_TESTS}::test_rerun_with_state_reads_only_new_and_changed_records",
            f"{_UNIT}::test_a_filter_refused_as_epoch_is_sent_again_as_iso",
        ),
        probe=(
            "Lists customers created after 2100, the bound sent once as epoch seconds and "
            "once as ISO 8601: a 400 for epoch means ISO only, records mean it is ignored."
        ),
    ),
    ReadingPoint(
        key=SORT_BY,
        platform="feedbackapi",
        title="Is `sort_by` honoured?",
        quote=(
            "sort_by optional, default is reverse chronological — The field to sort objects "
            "by. ... e.g. to sort by the oldest objects first, you would use 'created-asc'."
        ),
        ours="`sort_by=created-asc` (or `updated-asc`) returns the oldest first.",
        other=(
            "`sort_by` is ignored: lists come in their default order, newest first "
            "(locations by name)."
        ),
        connector=(
            "Watches the order of what comes back. Newest first: it logs once, recognises "
            "records read again after a step back by the mirrored rule, and keeps the "
            "bookmark as singer-sdk does for unsorted streams (written when the stream "
            "ends). Any other order (locations come by name): from there on it remembers "
            "every id it reads, and should records then leave the list mid-read it ends "
            "that list only at an empty page."
        ),
        tests=(
            f"{_TAP_TESTS}::test_full_sync_extracts_every_record_of_all_seven_resources",
            f"{_UNIT}::test_newest_first_answers_lose_nothing_when_records_leave_mid_read",
            f"{_UNIT}::test_an_unordered_list_loses_nothing_and_repeats_nothing",
        ),
        probe="Lists customers with sort_by=created-asc and checks the creation times ascend.",
    ),
    ReadingPoint(
        key=TOTAL_COUNT,
        platform="feedbackapi",
        title="What does `total_count` count?",
        quote="total_count integer — The total number of records available.",
        ours="The records matching the filters.",
        other="Every record the token sees, filters or not.",
        connector=(
            "Paging ends at an empty page or when the distinct records read reach the "
            "largest total reported, so a total larger than the list costs one empty page "
            "and nothing is lost."
        ),
        tests=(
            f"{_TAP_TESTS}::test_rerun_with_state_reads_only_new_and_changed_records",
            f"{_UNIT}::test_a_total_counting_everything_costs_one_empty_page",
        ),
        probe=(
            "Lists customers created after 2100: a total_count above 0 counts more than "
            "the filtered list."
        ),
    ),
    ReadingPoint(
        key=TIMESTAMPS,
        platform="feedbackapi",
        title="Timestamps in records",
        quote=(
            "created timestamp — Time at which the object was created. Represented as an ISO "
            '8601 formatted timestamp. (Every example: "created":1734134400.)'
        ),
        ours="Epoch seconds, as every example shows.",
        other="ISO 8601 text, as the attribute tables say.",
        connector="Reads either (and numeric strings) and writes ISO 8601 UTC date-times.",
        tests=(f"{_TAP_TESTS}::test_full_sync_extracts_every_record_of_all_seven_resources",),
        probe="Reads one customer and reports whether `created` is a number or text.",
    ),
    ReadingPoint(
        key=SCORE_KEYS,
        platform="feedbackapi",
        title="Feedback score keys",
        quote=(
            "nps_score integer — The nps score (0 - 10) ... star_rating integer. (Every "
            'example: "nps-score":8,"star-rating":null.)'
        ),
        ours="`nps-score` and `star-rating`, as every example shows.",
        other="`nps_score` and `star_rating`, as the attribute tables say.",
        connector=(
            "Reads either spelling, in feedback and in the feedback nested in feedback "
            "requests, and writes `nps_score`/`star_rating`."
        ),
        tests=(f"{_TAP_TESTS}::test_full_sync_extracts_every_record_of_all_seven_resources",),
        probe="Reads one feedback record and reports which spelling its score keys use.",
    ),
    ReadingPoint(
        key=ACCOUNTS_REQUIRED_FILTERS,
        platform="feedbackapi",
        title="Must a list of accounts name `name` and `active`?",
        quote=(
            "List all Accounts ... name required — The company or account name. active "
            "required — A boolean value representing whether the account is active or "
            "inactive. (The example lists accounts with limit and created_after only.)"
        ),
        ours=(
            "No: those lines are the account object's attributes copied into the list's "
            "parameters, as the example that sends neither shows; a list without filters "
            "holds every account."
        ),
        other=(
            "A list of accounts without `name` (or without `active`) is a 400 "
            "`invalid_request_error` naming the missing parameter; with both it holds the "
            "accounts of that name and state only (the sandbox does so)."
        ),
        connector=(
            "Lists accounts without them, at no extra request, and logs once that the "
            "API listed accounts so. Under the other reading no call can list every "
            "account (names are not known beforehand), so a 400 naming `name` or `active` "
            "stops the run with one line naming the failed assumption and telling to "
            "deselect the stream. Accounts come first in a run (streams are synced by "
            "name), so it stops before any record and writes the state it was given "
            "unchanged. Were `active` alone required, reading `active=true` then "
            "`active=false` would cover every account: not modelled, since the document "
            "marks both required; that 400 stops the run the same way."
        ),
        tests=(
            f"{_TAP_TESTS}::test_a_list_of_accounts_that_requires_filters_stops_the_run",
            f"{_UNIT}::test_accounts_listed_without_filters_are_read_whole",
            f"{_UNIT}::test_accounts_refused_without_a_filter_stop_the_run_in_one_line",
            f"{_SANDBOX}::test_accounts_are_refused_without_name_and_active_under_the_other_reading",
            f"{_PROBE}::test_each_point_alone_is_settled_as_other_and_no_other_point_moves",
        ),
        probe=(
            "Lists accounts with limit 1 and no filter: a 400 naming name or active means "
            "the other reading, a list means ours."
        ),
    ),
)
"""Every read-side point of the feedbackapi document, in the order the docs page lists them."""
