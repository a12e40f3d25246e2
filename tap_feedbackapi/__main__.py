"""Run tap-feedbackapi with ``python -m tap_feedbackapi``."""

from tap_feedbackapi.tap import TapFeedbackAPI

TapFeedbackAPI.cli()
