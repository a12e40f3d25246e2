"""Run tap-hellocustomer with ``python -m tap_hellocustomer``."""

from tap_hellocustomer.tap import TapHelloCustomer

TapHelloCustomer.cli()
