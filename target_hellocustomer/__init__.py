"""target-hellocustomer: Singer target that adds respondents and answers to Hello Customer."""
