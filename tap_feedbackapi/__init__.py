"""tap-feedbackapi: Singer tap for FeedbackAPI customers, locations, reviews, feedback and more."""
