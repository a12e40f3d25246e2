"""The register's points for the buenno API document (``../shared/api-docs``)."""

from __future__ import annotations

from survey_common.readings.point import ReadingPoint

_TAP = "tests/integration/test_tap_buenno.py"
_READINGS = "tests/integration/test_readings_buenno.py"
_TARGET = "tests/integration/test_target_buenno.py"
_PAGING = "tests/tap_buenno/test_readings.py"
_PROBE = "tests/probe/test_buenno.py"

BUENNO_POINTS: tuple[ReadingPoint, ...] = (
    ReadingPoint(
        key="buenno.token-info-envelope",
        platform="buenno",
        title="token-info envelope",
        quote='The example lost its braces: "name": "Example CRM token", "forms": [ "id": 1, ...',
        ours='The token is wrapped: {"api_token": {"name", "forms": [...]}}, as the create and '
        "list examples wrap their records in a key.",
        other='The body is the token itself: {"name", "forms": [...]}.',
        connector="tap-buenno reads the forms under api_token or at the top of the body, logs "
        "once when it is the top, and fails with one line naming GET /token-info for any "
        "other shape.",
        tests=(
            f"{_PAGING}::test_token_info_forms_are_read_from_either_envelope",
            f"{_PAGING}::test_token_info_of_another_shape_fails_clearly",
            f"{_PROBE}::test_probe_settles_each_point_as_the_sandbox_reads_it",
            f"{_TAP}::test_full_sync_extracts_every_record_the_sandbox_holds",
        ),
        probe="GET /token-info: forms under api_token (ours) or at the top (other).",
    ),
    ReadingPoint(
        key="buenno.replies-page-cap",
        platform="buenno",
        title="Replies page size",
        quote='limit: "Max number of answers to return, Default = 500, Max = 1000"; the example '
        'asks limit=1000 and answers "limit": "500".',
        ours="A page holds up to the limit asked, 1000 at most.",
        other="The server caps pages at 500 whatever is asked, while more remain (the "
        "example's envelope).",
        connector="Paging advances the offset by what came back and stops on the envelope's "
        "total or an empty page, never on the size asked; the envelope's smaller limit is "
        "logged once as the server's cap.",
        tests=(
            f"{_PAGING}::test_capped_reply_pages_are_all_read",
            f"{_PROBE}::test_probe_settles_each_point_as_the_sandbox_reads_it",
            f"{_READINGS}::test_every_reply_once_under_each_reading",
            f"{_TAP}::test_full_sync_extracts_every_record_the_sandbox_holds",
        ),
        probe="GET /replies limit=1000 over all history: the envelope's limit is 1000 (ours) "
        "or smaller (other).",
    ),
    ReadingPoint(
        key="buenno.replies-limit-counts",
        platform="buenno",
        title="What replies' limit and offset count",
        quote='limit: "Max number of answers to return"; offset: "Answer number to start from".',
        ours="They count replies (the list is of replies), and total counts replies.",
        other="They count answers: a page holds whole replies whose answers add up to at most "
        "limit, offset is an answer number (a page starts at the reply holding it), and "
        "total counts answers.",
        connector="A page short of limit and of the total, with as many answers as limit "
        "allows, makes the next page be asked at the offset counted in replies (safe both "
        "ways); if it starts with a reply already read, offsets count answers: logged once, "
        "and each later page starts after the answers of the one before. Replies read "
        "twice are dropped by id.",
        tests=(
            f"{_PAGING}::test_offsets_that_count_answers_are_learned_and_each_reply_read_once",
            f"{_PAGING}::test_a_silent_cap_in_replies_is_not_taken_for_answers",
            f"{_PROBE}::test_probe_settles_each_point_as_the_sandbox_reads_it",
            f"{_READINGS}::test_every_reply_once_under_each_reading",
        ),
        probe="GET /replies limit=1000: replies and answers on the page against limit and total.",
    ),
    ReadingPoint(
        key="buenno.envelope-numbers",
        platform="buenno",
        title="Numbers in the replies envelope",
        quote='"total": "2225", "limit": "500", "offset": "0"',
        ours="Counts are JSON strings, as the example writes them.",
        other="Counts are JSON numbers.",
        connector="tap-buenno reads either.",
        tests=(
            f"{_READINGS}::test_every_reply_once_under_each_reading",
            f"{_PROBE}::test_probe_settles_each_point_as_the_sandbox_reads_it",
        ),
        probe="GET /replies: the type of total.",
    ),
    ReadingPoint(
        key="buenno.replies-window-bounds",
        platform="buenno",
        title="Replies from/to bounds",
        quote='from: "Answers from date"; to: "Answers to date".',
        ours="Both bounds are inclusive.",
        other="Both bounds are exclusive: a reply exactly on from or to is left out.",
        connector="from is the bookmark less a second (and the lookback), to the moment the "
        "sync started: a reply in the bookmark's own second is read again, one on to is "
        "read by the next run, and nothing is lost either way.",
        tests=(f"{_READINGS}::test_a_reply_in_the_bookmarks_own_second_is_not_lost",),
        probe="GET /replies with from = to = the creation time of a reply never edited: it "
        "comes back (ours) or not (other).",
    ),
    ReadingPoint(
        key="buenno.replies-date-field",
        platform="buenno",
        title="Which date replies' from/to filter on",
        quote='from: "Answers from date"; replies carry created_at and updated_at.',
        ours="Creation time (created_at), the time the answers were given.",
        other="Update time (updated_at): an edited reply falls in the window of its edit.",
        connector="The window runs from the bookmark (on created_at) less "
        "replies_lookback_days to the sync's start; replies created before the window are "
        "kept (logged once as the other reading), so edits are read under both.",
        tests=(
            f"{_READINGS}::test_an_edited_reply_has_its_new_values_after_the_next_run",
            f"{_READINGS}::test_every_reply_once_under_each_reading",
        ),
        probe="GET /replies over the two seconds around the update time of an edited reply: "
        "it comes back (other) or not (ours).",
    ),
    ReadingPoint(
        key="buenno.invitations-bounds",
        platform="buenno",
        title="Invitations created_after/created_before bounds",
        quote='created_after: "Invitations created after date"; created_before: '
        '"Invitations created before date".',
        ours="Strict: after and before exclude the instant itself.",
        other="Inclusive: an invitation exactly on a bound is listed.",
        connector="created_after is the bookmark less the lookback and a second, "
        "created_before the sync's start: nothing on a bound is lost either way.",
        tests=(f"{_READINGS}::test_an_invitation_in_the_bookmarks_own_second_is_not_lost",),
        probe="GET /invitations with created_after = created_before = an invitation's "
        "creation time: it comes back (other) or not (ours).",
    ),
    ReadingPoint(
        key="buenno.invitations-page-cap",
        platform="buenno",
        title="Invitations page size",
        quote='limit: "Max number of rows to return, Default = 100, Max = 250".',
        ours="A page holds up to the limit asked, 250 at most.",
        other="The server caps pages below what is asked (at the default, 100).",
        connector="Paging advances by what came back; a short page ends paging only after "
        "the server has sent a full page of 250 in the run, else the next page is asked "
        "(one request more per form when a form has fewer than 250), and a cap found is "
        "logged once.",
        tests=(
            f"{_PAGING}::test_capped_invitation_pages_are_all_read",
            f"{_READINGS}::test_every_invitation_once_under_each_reading",
        ),
        probe="GET /invitations limit=250, then the next page when the first is short.",
    ),
    ReadingPoint(
        key="buenno.list-order",
        platform="buenno",
        title="Order of lists",
        quote="The document does not say in which order invitations and replies are listed.",
        ours="Oldest first: invitations by id, replies by creation time.",
        other="Newest first.",
        connector="Nothing depends on the order: windows end at the sync's start so offsets "
        "are stable, and the bookmark is the newest record emitted.",
        tests=(
            f"{_READINGS}::test_every_invitation_once_under_each_reading",
            f"{_READINGS}::test_every_reply_once_under_each_reading",
        ),
        probe="GET /replies: whether a page runs from old to new.",
    ),
    ReadingPoint(
        key="buenno.invitation-409-key",
        platform="buenno",
        title="What an invitation's 409 keys on",
        quote='"409 Created item with a given key already exists"; "Returns 409 if '
        'invitation with given identifier exists."',
        ours="Per form, pf_external_id when given, else the email and phone given.",
        other="Nothing: every POST creates an invitation, so a rerun would invite again.",
        connector="target-buenno keeps a ledger of the invitations it made (form and email, "
        "phone or external id, ledger_path) and does not send them again in a later run; "
        "within a run, a POST whose answer was lost (timeout, dropped connection, gateway "
        "5xx, cut-short body) is looked up in GET /invitations (the form, created_after the "
        "first attempt less 15 minutes, paged by what came back) before it is sent again: "
        "found, it counts as accepted; a failed look-up dead-letters it as uncertain. Each "
        "invitation is also noted in the push journal (journal_path) before it is sent, so "
        "a run killed mid-push and rerun from its last state sends it no more. 409 still "
        "counts as already present.",
        tests=(
            f"{_TARGET}::test_a_rerun_invites_nobody_twice_under_each_reading",
            "tests/target_buenno/test_ledger.py::test_a_person_in_the_ledger_is_not_invited_again",
            "tests/integration/test_faults_targets.py::"
            "test_buenno_invitations_arrive_once_through_every_fault_when_buenno_answers_no_409",
            "tests/target_buenno/test_lost_answers.py::"
            "test_a_post_whose_answer_was_lost_is_found_and_not_sent_again",
            "tests/target_buenno/test_lost_answers.py::"
            "test_a_failed_look_up_dead_letters_the_record_as_uncertain_and_sends_it_no_more",
            "tests/integration/test_target_crash.py::"
            "test_a_killed_target_buenno_invites_nobody_twice_when_buenno_answers_no_409",
        ),
    ),
)
"""Every point of the buenno document, in the order the docs page lists them."""
