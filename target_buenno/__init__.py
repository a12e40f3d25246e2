"""target-buenno: Singer target that invites people to Buenno survey forms."""
