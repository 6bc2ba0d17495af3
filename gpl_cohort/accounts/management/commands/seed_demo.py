"""Load the demo program once: safe to run again, it updates rather than duplicates."""

from __future__ import annotations

import importlib

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from gpl_cohort.accounts.demo import DEMO_LOGINS, DEMO_PASSWORD

# Order matters: later seeders use what earlier ones made.
SEEDERS = (
    "jurisdictions.demo",
    "gpl_cohort.accounts.demo",
    "applications.demo",
    "community.demo",
    "coaching.demo",
    "calldata.demo",
)


class Command(BaseCommand):
    help = "Load the demo data: the inaugural cohort, 60+ community governments, demo logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print logins.")
        parser.add_argument(
            "--logins-only", action="store_true", help="Only print the demo logins; load nothing."
        )
        parser.add_argument(
            "--only",
            default="",
            help="Comma-separated app labels to seed (e.g. jurisdictions,accounts,community); "
            "tests use it to skip the slower call-data import.",
        )

    def handle(self, *args: object, **options: object) -> None:
        if options["logins_only"]:
            self._print_logins()
            return
        only = {label.strip() for label in str(options["only"]).split(",") if label.strip()}
        for module_name in SEEDERS:
            label = module_name.split(".")[-2]
            if only and label not in only:
                continue
            try:
                module = importlib.import_module(module_name)
            except ModuleNotFoundError as error:
                if error.name != module_name:
                    raise
                continue
            with transaction.atomic():
                module.seed(lambda line: self.stdout.write(f"  {line}"))
        self.stdout.write(self.style.SUCCESS("Demo data is loaded."))
        if not options["quiet_logins"]:
            self._print_logins()

    def _print_logins(self) -> None:
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for email, _, role in DEMO_LOGINS:
            self.stdout.write(f"  {email:32} {role}")
