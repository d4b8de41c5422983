"""A province-scale demo world for the console: `manage.py seed_demo --workers N`.

Rows are written in bulk, in batches, keeping the invariants the services keep
(validated, encrypted and hashed phones and ID numbers, consent, seats under
offers, one live offer per worker); the matcher and the trip planner run for
real on the current season. Seeded accounts are named `seed-…`, which is how a
re-run finds them.
"""

from console.seeding.world import SeedReport, seed_reset, seed_world, seeded_workers

__all__ = ["SeedReport", "seed_reset", "seed_world", "seeded_workers"]
