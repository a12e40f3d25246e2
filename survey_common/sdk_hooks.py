"""The private parts of singer-sdk the suite relies on, listed in one place.

singer-sdk offers no public hook for a few things the connectors must do: hold a
STATE until a batch is sent, validate settings without echoing a secret, reach the
tap from a stream, emit ACTIVATE_VERSION after a full read. Overriding or reading a
private name works until an SDK release renames it, and then fails silently (an
override that no one calls any more). ``tests/survey_common/test_sdk_hooks.py`` checks
that every name below still exists on its SDK class, so an upgrade that drops one fails
a test instead.
"""

from __future__ import annotations

from singer_sdk import RESTStream, Sink, Stream, Target
from singer_sdk.plugin_base import PluginBase

#: Private names, per singer-sdk class, that the suite overrides, calls or reads.
SDK_PRIVATE_NAMES: dict[type, tuple[str, ...]] = {
    PluginBase: (
        "_config",  # read by the settings checks that go beyond the JSON schema
        "_validate_config",  # overridden: messages that never quote a secret
    ),
    Stream: (
        "_tap",  # a stream reaches the tap's limiter, learned readings and other streams
        "_stream_version",  # the version an ACTIVATE_VERSION message names
        "_write_activate_version_message",  # sent once a full table read is complete
        "_state_manager",  # dropped so that it is built again when a read turns unsorted
        "_generate_record_messages",  # overridden: no selection walk when all is selected
        "_process_record",  # overridden: no copy of each record for child streams there are not
        "_write_record_message",  # overridden: the RECORD line encoded straight from the record
    ),
    RESTStream: (
        "_prepare_request",  # called: the walk that reads pages ahead prepares them as the SDK does
        "_request",  # called: one attempt (send, log its metric, validate), ahead or not
    ),
    Sink: (
        "_after_process_record",  # overridden: logs a taken record without its context
    ),
    Target: (
        "_assert_line_requires",  # a STATE held by the push targets is checked as the SDK does
        "_latest_state",  # set only to a STATE whose pushes before it all finished
        "_process_record_message",  # overridden: a STATE held passes once a batch is sent
        "_process_state_message",  # overridden: a STATE waits behind pending pushes
        "_write_state_message",  # overridden: the STATE written last is not written again
    ),
}
