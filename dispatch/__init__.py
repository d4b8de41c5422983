"""Point-to-point dispatch: confirmed offers become seats on planned trips, with pickups, boarding and arrival."""
