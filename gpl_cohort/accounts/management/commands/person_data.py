import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gpl_cohort.accounts.models import User
from gpl_cohort.accounts.privacy import person_data_export, person_erase


class Command(BaseCommand):
    help = "Export (as JSON) or erase the personal data of one person, on their request."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["export", "erase"])
        parser.add_argument("email")
        parser.add_argument("--yes", action="store_true", help="Confirm an erasure.")

    def handle(self, *args: object, **options: object) -> None:
        user = User.objects.filter(email__iexact=str(options["email"])).first()
        if user is None:
            raise CommandError(f"No account uses {options['email']}")
        if options["action"] == "export":
            self.stdout.write(json.dumps(person_data_export(user=user), indent=2, default=str))
            return
        if not options["yes"]:
            raise CommandError("Erasure cannot be undone: run again with --yes to confirm.")
        counts = person_erase(user=user)
        self.stdout.write(self.style.SUCCESS(f"Erased: {counts}"))
