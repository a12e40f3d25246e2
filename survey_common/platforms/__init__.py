"""One module per platform: what its tap and its target both need to talk to its API.

Auth, the error envelope, the connection settings, call pacing and the platform's
constants live here so that a target never imports its platform's tap.
"""
