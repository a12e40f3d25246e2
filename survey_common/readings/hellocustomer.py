"""The register's points for the hellocustomer API document (``../shared/api-docs``)."""

from __future__ import annotations

from survey_common.readings.point import ReadingPoint

_SANDBOX = "tests/sandbox/hellocustomer/test_readings.py"
_UNIT = "tests/tap_hellocustomer/test_readings.py"
_TAP = "tests/integration/test_readings_hellocustomer.py"
_TARGET = "tests/integration/test_target_hellocustomer.py"
_PROBE = "tests/probe/test_hellocustomer.py"

HELLOCUSTOMER_POINTS: tuple[ReadingPoint, ...] = (
    ReadingPoint(
        key="hellocustomer.getall-date",
        platform="hellocustomer",
        title="Which date get responses filters on",
        quote=(
            "GET .../answers/getall/{startDate}/{endDate} ... the start date and end date "
            "cannot be more than 31 days apart (a response carries both dateSurveyed and "
            "dateAnswer)"
        ),
        ours=(
            "The answer date (dateAnswer): responses are what was answered, and the tap "
            "bookmarks on it."
        ),
        other=(
            "The survey date (dateSurveyed): a window returns what was surveyed in it, "
            "however much later it was answered."
        ),
        connector=(
            "tap-hellocustomer keeps every response a call returns that was answered within "
            "the run's span, whichever window it came from, and drops one returned twice by "
            "its uniqueID; a first run also reads lookback_days before start_date (skipped "
            "once the answers showed the API filters on dateAnswer) and reruns read "
            "lookback_days before the bookmark, so a response surveyed before a window and "
            "answered in it is found. It logs once which date the answers show (a response "
            "answered after the window asked for, or surveyed before it) and warns once when "
            "a response was answered longer after its survey than lookback_days covers."
        ),
        tests=(
            f"{_UNIT}::test_every_response_answered_in_the_span_arrives_once_under_either_date",
            f"{_UNIT}::test_a_first_run_skips_the_lookback_before_start_date_once_the_answer_date_is_seen",
            f"{_UNIT}::test_a_long_survey_to_answer_time_is_warned_about_once",
            f"{_SANDBOX}::test_getall_filters_on_the_survey_date_under_the_other_reading",
            f"{_TAP}::test_every_response_arrives_once_under_both_readings",
            f"{_PROBE}::test_the_probe_settles_every_point_as_the_sandbox_reads_it",
        ),
        probe=(
            "Reads recent windows of a touchpoint and compares the records' dates with the "
            "window asked for: one answered after its end means dateSurveyed, one surveyed "
            "before its start means dateAnswer."
        ),
    ),
    ReadingPoint(
        key="hellocustomer.getall-cap",
        platform="hellocustomer",
        title="Whether one get-responses answer holds the whole window",
        quote=(
            "If you use this request, the start date and end date cannot be more than 31 days "
            "apart. The response of the GET envelope is a JSON object: [...] (no paging "
            "parameter, no total)"
        ),
        ours="Every response of the window, in one answer: there is no paging.",
        other=(
            "An answer holds at most a fixed number of responses (100 in the sandbox), the "
            "oldest, and says nothing of the rest."
        ),
        connector=(
            "tap-hellocustomer reads a window again in halves when its answer may be cut "
            "short: a count of at least 100 that is a multiple of 50 (a cap is a round "
            "number), or once a cap was seen, any answer that reaches it. Halves that hold "
            "responses the window did not show prove the cap: the tap logs it once and from "
            "then on halves every window that reaches it, down to one second, where it stops "
            "with one line rather than lose responses. Under our reading this costs two calls "
            "for the rare window whose count is such a multiple."
        ),
        tests=(
            f"{_UNIT}::test_a_window_cut_at_a_cap_is_read_again_in_halves",
            f"{_UNIT}::test_a_round_count_without_a_cap_costs_two_calls_and_changes_nothing",
            f"{_SANDBOX}::test_getall_answers_at_most_100_under_the_other_reading",
            f"{_TAP}::test_a_busy_touchpoint_arrives_whole_under_each_reading_of_the_cap",
        ),
        probe="",
    ),
    ReadingPoint(
        key="hellocustomer.window-31-days",
        platform="hellocustomer",
        title="How 31 days apart is counted",
        quote="the start date and end date cannot be more than 31 days apart",
        ours="A duration: endDate - startDate <= 31 x 24 hours.",
        other=(
            "Calendar days: the days from startDate's to endDate's, both included, are at "
            "most 31, so 2025-01-01 12:00 to 2025-02-01 11:00 is refused."
        ),
        connector=(
            "tap-hellocustomer reads windows of 28 days whose path dates, margins included, "
            "are less than 30 days apart: accepted under both countings (the requests "
            "benchmark's minimum follows). NPS asks one calendar month at most, 31 days both "
            "ways."
        ),
        tests=(
            f"{_SANDBOX}::test_31_days_counted_in_calendar_days_under_the_other_reading",
            "tests/tap_hellocustomer/test_windows.py::test_spans_up_to_28_days_take_one_call_and_longer_ones_more",
            f"{_TAP}::test_every_response_arrives_once_under_both_readings",
            f"{_PROBE}::test_the_probe_settles_every_point_as_the_sandbox_reads_it",
        ),
        probe=(
            "Asks a window of 30 days and 2 hours that spans 32 calendar days: a 400 means "
            "calendar days, 200 a duration."
        ),
    ),
    ReadingPoint(
        key="hellocustomer.path-date-bounds",
        platform="hellocustomer",
        title="Whether path dates' ends are included",
        quote="submit date parameters (startDate and endDate) using the following format",
        ours="Both ends are included (a window selects startDate <= date <= endDate).",
        other="The end is excluded (startDate <= date < endDate).",
        connector=(
            "tap-hellocustomer asks each window one second (and the time-zone margin) more "
            "on both sides and drops a response returned twice by its uniqueID, so a response "
            "exactly on an edge comes once under both. NPS asks each period up to its last "
            "second: under the other reading a figure leaves out answers given in that last "
            "second (an aggregate cannot be de-duplicated)."
        ),
        tests=(
            "tests/tap_hellocustomer/test_windows.py::test_a_response_on_a_window_boundary_comes_once",
            f"{_SANDBOX}::test_the_end_is_excluded_under_the_other_reading",
            f"{_TAP}::test_responses_on_window_edges_arrive_once_under_each_reading",
            f"{_PROBE}::test_the_probe_settles_every_point_as_the_sandbox_reads_it",
        ),
        probe=(
            "Asks a window ending exactly at a response's dateAnswer: the response back means "
            "the end is included."
        ),
    ),
    ReadingPoint(
        key="hellocustomer.path-date-zone",
        platform="hellocustomer",
        title="The time zone of path dates",
        quote="15/12/2018 at 3pm would be 20181215150000",
        ours="UTC, as the dates in answers (2020-09-29T13:42:37Z).",
        other="The account's local time (Europe/Brussels in the sandbox).",
        connector=(
            "tap-hellocustomer asks 14 hours more on both sides of each window (the widest "
            "offset from UTC in use), keeps what was answered within the run's span by the "
            "answers' own UTC dates and drops duplicates by uniqueID: nothing is lost at the "
            "span's edges. NPS periods are asked in UTC: under the other reading a figure is "
            "that of the period shifted by the account's offset."
        ),
        tests=(
            "tests/tap_hellocustomer/test_windows.py::test_each_call_asks_14_hours_and_a_second_more_on_both_sides",
            f"{_SANDBOX}::test_path_dates_are_brussels_time_under_the_other_reading",
            f"{_TAP}::test_responses_on_window_edges_arrive_once_under_each_reading",
            f"{_PROBE}::test_the_probe_settles_every_point_as_the_sandbox_reads_it",
        ),
        probe=(
            "Asks the one second of a response's dateAnswer written in UTC: the response back "
            "means UTC, else local time."
        ),
    ),
    ReadingPoint(
        key="hellocustomer.nps-date",
        platform="hellocustomer",
        title="Which date the NPS of a period counts by",
        quote=".../analysis/nps/getnpsscore/{startDate}/{endDate}",
        ours="The answer date: the NPS of what was answered in the period.",
        other="The survey date: the NPS of those surveyed in the period, whenever they answered.",
        connector=(
            "tap-hellocustomer emits the API's figure for each period under either: a figure "
            "cannot be recounted from responses without reading them all. Under the survey "
            "date the open period's figure still changes after the period (late answers), so "
            "a rerun reads the last period again, as it does anyway; earlier periods may "
            "still move. The probe tells which date the account's API uses."
        ),
        tests=(
            f"{_SANDBOX}::test_nps_counts_by_the_survey_date_under_the_other_reading",
            f"{_TAP}::test_nps_is_the_apis_figure_of_each_period_under_either_date",
            f"{_PROBE}::test_the_probe_settles_every_point_as_the_sandbox_reads_it",
        ),
        probe=(
            "Recounts one period's NPS from its responses by answer date and by survey date "
            "and compares both with the API's figure."
        ),
    ),
    ReadingPoint(
        key="hellocustomer.guid-case",
        platform="hellocustomer",
        title="The case of GUIDs",
        quote=(
            "Language ID's can be submitted as following: 1B5C1275-4F92-422F-B1FC-799BF8E30598 "
            "Dutch (the table is in upper case; the examples send 1b5c1275-... and answers "
            "carry lower case)"
        ),
        ours="Any case: .NET reads a GUID whatever its case.",
        other=(
            "GUIDs are matched as text, in the lower case the API's answers carry: one in "
            "upper case is not found (400)."
        ),
        connector=(
            "target-hellocustomer sends every GUID (touchpoint, language, company, question "
            "item) in lower case and tap-hellocustomer asks touchpoints in lower case, so "
            "both work under either; the tap's languages stream writes GUIDs in lower case, "
            "as responses carry them, for joins."
        ),
        tests=(
            f"{_SANDBOX}::test_guids_in_upper_case_are_refused_under_the_other_reading",
            f"{_TARGET}::test_respondents_arrive_once_and_bad_ones_are_dead_lettered_under_both_readings",
            f"{_TARGET}::test_answers_pushed_are_read_back_once_by_tap_hellocustomer",
            f"{_TAP}::test_every_response_arrives_once_under_both_readings",
            f"{_PROBE}::test_the_probe_settles_every_point_as_the_sandbox_reads_it",
        ),
        probe=(
            "Asks a day of responses with the touchpoint's GUID in upper case: 400 means "
            "case matters."
        ),
    ),
    ReadingPoint(
        key="hellocustomer.addmultiple-refusal",
        platform="hellocustomer",
        title="What addmultipletocache does with a bad record",
        quote="If you get a response 200 from our server, the respondent was successfully added.",
        ours=("All or none: one bad respondent refuses the call with 400 and adds nobody."),
        other=(
            "Only the bad ones: the others are added, and the answer (200) lists the refused "
            "respondents with their messages ({added, refused: [{index, email, message}]})."
        ),
        connector=(
            "target-hellocustomer sends one call per touchpoint and language and checks email "
            "and language itself, so most refusals are about every record of a call. A 400 "
            "means nothing was added: the call is split until each bad record is refused "
            "alone. A 2xx that lists refused records dead-letters each with its message (the "
            "field named) and counts the rest as added, logging once that the API refuses only "
            "bad records; none is sent again. An API that added the rest and still answered "
            "400 would get them twice: no answer can tell that from all or none."
        ),
        tests=(
            f"{_SANDBOX}::test_addmultiple_adds_the_good_ones_under_the_other_reading",
            f"{_TARGET}::test_respondents_arrive_once_and_bad_ones_are_dead_lettered_under_both_readings",
            "tests/target_hellocustomer/test_respondents.py::test_a_200_listing_refused_respondents_dead_letters_them_and_keeps_the_rest",
        ),
        probe="",
    ),
)
"""Every point of the hellocustomer document, in the order the docs page lists them."""
