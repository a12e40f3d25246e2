"""tap-buenno: Singer tap for the Buenno survey platform's forms, invitations and replies."""
