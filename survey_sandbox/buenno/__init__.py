"""The sandbox's imitation of the buenno API: its routes (api), its data (store) and seed."""
