"""Run target-hellocustomer with ``python -m target_hellocustomer``."""

from target_hellocustomer.target import TargetHelloCustomer

TargetHelloCustomer.cli()
