"""Run target-feedbackapi with ``python -m target_feedbackapi``."""

from target_feedbackapi.target import TargetFeedbackAPI

TargetFeedbackAPI.cli()
