"""target-feedbackapi: Singer target that pushes customers, locations and feedback requests."""
