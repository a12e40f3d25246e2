"""Reproducible performance figures of the taps and targets against survey-sandbox."""
