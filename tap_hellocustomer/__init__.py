"""tap-hellocustomer: Singer tap for Hello Customer's survey responses, answers and NPS."""
