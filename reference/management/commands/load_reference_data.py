import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reference.loaders import ReferenceDataError
from reference.services import DEFAULT_DATA_DIR, reference_data_load


class Command(BaseCommand):
    help = "Load regions, occupations and minimum wages from reference/data/ (safe to run again)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--data-dir",
            type=Path,
            default=DEFAULT_DATA_DIR,
            help="Folder holding regions.csv, occupations.csv, minimum_wages.csv and minimum_wage_tiers.csv.",
        )

    def handle(self, *args: object, data_dir: Path, **options: int) -> None:
        started = time.perf_counter()
        try:
            report = reference_data_load(data_dir=data_dir)
        except ReferenceDataError as error:
            raise CommandError(f"{error}. Nothing was loaded.") from error
        elapsed = time.perf_counter() - started
        if options["verbosity"] == 0:
            return
        if report.versions:
            self.stdout.write(f"Data versions: {'; '.join(report.versions)}")
        for model, counts in report.counts.items():
            line = f"{model}: {counts.created} created, {counts.updated} updated, {counts.unchanged} unchanged"
            if counts.deleted:
                line += f", {counts.deleted} deleted"
            if counts.kept:
                line += f", {counts.kept} kept although no longer in the file"
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"Done in {elapsed:.2f} s."))
