"""The register's points for FeedbackAPI's write calls (Create/Update Customer, feedback requests).

Writes cannot be probed read-only, so none of these has a probe: the target learns the
reading from the answers themselves and logs it once.
"""

from __future__ import annotations

from survey_common.readings.point import ReadingPoint

_INTEGRATION = "tests/integration/test_readings_feedbackapi_target.py"
_SANDBOX = "tests/sandbox/feedbackapi/test_write.py"
_CUSTOMERS = "tests/target_feedbackapi/test_customers.py"
_REQUESTS = "tests/target_feedbackapi/test_not_idempotent.py"

FEEDBACKAPI_WRITE_POINTS: tuple[ReadingPoint, ...] = (
    ReadingPoint(
        key="feedbackapi.create-existing-customer",
        platform="feedbackapi",
        title="Creating a customer whose email or mobile number exists",
        quote=(
            "Customers are uniquely identified by their email address or mobile number. "
            "If you attempt to create a customer where another exists with the same email "
            "address or mobile number, the creation will be treated as an update to the "
            "existing record."
        ),
        ours=(
            "Create Customer is an upsert on the email or mobile number: the document says "
            "so in as many words, and ../shared/api-docs/README.md repeats it."
        ),
        other=(
            "Uniqueness is not enforced on create: the sandbox creates a second customer "
            "with the same email or mobile number (an API that refuses with 409/400/402 "
            "instead is the loud version of the same reading)."
        ),
        connector=(
            "target-feedbackapi never relies on the upsert: it looks the customer up first "
            "(GET /customers?email=, then ?mobile_number=, matched exactly on its side) and "
            "changes every match with Update Customer; it creates only when nobody matches. "
            "One customer per person under both readings, and a rerun creates nobody; a "
            "create that may have arrived is looked up again before it is resent. Costs one "
            "or two GETs per customer record; an unchanged customer costs no write."
        ),
        tests=(
            f"{_INTEGRATION}::test_crm_customers_update_existing_ones_under_both_readings",
            f"{_SANDBOX}::test_other_reading_creating_a_known_contact_makes_a_second_customer",
            f"{_CUSTOMERS}::test_an_existing_customer_is_updated_with_only_the_fields_given",
            f"{_CUSTOMERS}::test_a_create_that_may_have_arrived_is_looked_up_before_a_resend",
        ),
        probe="",
    ),
    ReadingPoint(
        key="feedbackapi.create-customer-country",
        platform="feedbackapi",
        title="Whether Create Customer takes country_code",
        quote=(
            "Create Customer: Arguments email, mobile_number, fname, sname, location "
            '[...] $ curl [...] -d country_code="US"'
        ),
        ours=(
            "Create Customer takes country_code: the document's own example sends it and "
            "its answer carries it."
        ),
        other=(
            "The argument list is the contract: Create Customer ignores country_code and the "
            "customer takes its location's country (the sandbox does that)."
        ),
        connector=(
            "After every write the target compares the answered customer with what it asked "
            "for; a field the API did not keep (country_code after a create, opt_out and "
            "further locations, which Create Customer does not take at all) is set with one "
            "Update Customer, logged once per operation and field. A field still not kept "
            "rejects the record naming it."
        ),
        tests=(
            f"{_INTEGRATION}::test_crm_customers_update_existing_ones_under_both_readings",
            f"{_SANDBOX}::test_other_reading_create_customer_ignores_country_code",
            f"{_CUSTOMERS}::test_a_field_the_create_did_not_keep_is_set_with_an_update",
        ),
        probe="",
    ),
    ReadingPoint(
        key="feedbackapi.update-customer-replaces",
        platform="feedbackapi",
        title="Update Customer changes only what is sent",
        quote=(
            "Updates the specified customer by setting the values of the parameters passed. "
            "Any parameters not provided will be left unchanged. [...] This request accepts "
            "mostly the same arguments as the create customer call."
        ),
        ours="Only the fields sent change, as the first sentence says.",
        other=(
            "Update behaves like the create it is likened to, whose optional fields default "
            "to null: fname, sname and country_code not sent become null and opt_out false "
            "(the sandbox does that; contacts and locations stay)."
        ),
        connector=(
            "The target sends only the fields the source gave that differ (an absent opt_out "
            "never opts anyone in, an absent name never erases one). When an answer shows "
            "fields it did not send were reset, it restores them from the customer as it was "
            "looked up, logs once that updates replace the record, and from then on sends "
            "every field with each update (one request instead of two)."
        ),
        tests=(
            f"{_INTEGRATION}::test_crm_customers_update_existing_ones_under_both_readings",
            f"{_SANDBOX}::test_other_reading_update_customer_resets_fields_not_sent",
            f"{_CUSTOMERS}::test_an_update_that_reset_fields_not_sent_is_learned_and_repaired",
        ),
        probe="",
    ),
    ReadingPoint(
        key="feedbackapi.feedback-request-due",
        platform="feedbackapi",
        title="The form of a feedback request's due",
        quote=(
            "due optional: Scheduled time at which the feedback request is to be sent if not "
            'immediately. Represented as an ISO 8601 formatted timestamp. [example] "due":'
            "1734048000"
        ),
        ours="ISO 8601 date-time in UTC, as the argument's description says.",
        other=(
            "Unix epoch seconds, as every example carries it: the sandbox refuses an ISO "
            "8601 due with the API's 400 {type, message, param: due}."
        ),
        connector=(
            "target-feedbackapi sends ISO 8601; a 400 naming due means nothing was created, "
            "so it resends the same request with epoch seconds, logs once which form the "
            "API took and sends that form first from then on. One extra request per run, "
            "and one per feedback request already on its way when the first answer came. "
            "An API refusing both forms (a date only) rejects the record naming due and "
            "the two forms tried."
        ),
        tests=(
            f"{_INTEGRATION}::test_feedback_requests_with_due_are_created_once_under_both_readings",
            f"{_SANDBOX}::test_other_reading_due_takes_epoch_seconds_only",
            f"{_REQUESTS}::test_a_due_refused_as_iso_8601_is_resent_as_epoch_seconds_once",
        ),
        probe="",
    ),
)
"""Every write point of the feedbackapi document, in the order the docs page lists them."""
