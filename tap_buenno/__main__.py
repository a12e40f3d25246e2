"""Run tap-buenno with ``python -m tap_buenno``."""

from tap_buenno.tap import TapBuenno

TapBuenno.cli()
