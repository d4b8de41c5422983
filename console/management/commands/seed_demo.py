import resource
import time

from django.core.management.base import BaseCommand, CommandError

from console import demo, seeding
from console.seeding.world import DEFAULT_SEED, SeedError


class Command(BaseCommand):
    help = (
        "Build a province-scale demo world: workers from real sending counties, employers in receiving cities, "
        "campaigns, courses, 18 months of placements, a finished matching run and planned trips. "
        "Skipped when a seeded world is already there (use --reset to rebuild it)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--workers", type=int, default=300, help="How many workers (default 300).")
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help="Random seed: the same seed, the same world."
        )
        parser.add_argument("--reset", action="store_true", help="Delete the seeded world first, then build it again.")
        parser.add_argument(
            "--no-dispatch", action="store_true", help="Leave the confirmed offers' trips unplanned (faster at scale)."
        )
        parser.add_argument("--batch-size", type=int, default=seeding.world.BATCH, help="Rows per bulk insert.")

    def handle(self, *args, workers: int, seed: int, reset: bool, batch_size: int, no_dispatch: bool, **options):
        if workers < 1 or batch_size < 1:
            raise CommandError("--workers and --batch-size must be at least 1.")
        started = time.perf_counter()
        # The hand-made demo first: its staff login verifies and approves the seeded rows.
        demo.load()
        if reset:
            removed = seeding.seed_reset()
            self.stdout.write(f"Removed the seeded world ({removed} workers).")
        try:
            report = seeding.seed_world(workers=workers, seed=seed, batch_size=batch_size, plan_trips=not no_dispatch)
        except SeedError as error:
            raise CommandError(str(error)) from error
        if report.skipped:
            self.stdout.write(
                f"Seeded world already present ({seeding.seeded_workers()} workers): nothing to do. "
                "Use --reset to rebuild it."
            )
            return
        if options["verbosity"] == 0:
            return
        for name, count in report.counts.items():
            self.stdout.write(f"  {name:<40} {count:>9}")
        phases = ", ".join(f"{name} {seconds:.1f}s" for name, seconds in report.seconds.items())
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(f"Seeded {workers} workers in {elapsed:.1f}s ({phases}); peak memory {peak:.0f} MB.")
        )
