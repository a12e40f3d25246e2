"""The sandbox's imitation of the feedbackapi API: its routes (api), its data (store) and seed."""
