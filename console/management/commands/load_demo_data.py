from django.core.management.base import BaseCommand

from console import demo


class Command(BaseCommand):
    help = "Load the demo data (idempotent: a second run adds nothing)."

    def add_arguments(self, parser):
        parser.add_argument("--print-logins", action="store_true", help="Also print the demo log-ins.")
        parser.add_argument("--url", default="http://localhost:8000/", help="Site address shown with the log-ins.")

    def handle(self, *args, print_logins: bool, url: str, **options):
        created = demo.load()
        if options["verbosity"] > 0:
            self.stdout.write(f"Demo data: {created} record(s) created.")
        if print_logins:
            self.stdout.write(self.style.SUCCESS(f"\nChunfeng is running at {url}"))
            for login in demo.logins(url):
                self.stdout.write(f"  {login.role:<14} {login.how}")
            self.stdout.write("Press Ctrl-C to stop.\n")
