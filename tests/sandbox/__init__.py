"""Tests of the survey-sandbox server, over real sockets on 127.0.0.1."""
