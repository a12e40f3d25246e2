"""Run target-buenno with ``python -m target_buenno``."""

from target_buenno.target import TargetBuenno

TargetBuenno.cli()
