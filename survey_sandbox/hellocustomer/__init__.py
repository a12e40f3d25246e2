"""The sandbox's imitation of the hellocustomer API: its routes (api), its data (store) and seed."""
