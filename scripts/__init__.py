"""Maintenance scripts run by the Makefile."""
