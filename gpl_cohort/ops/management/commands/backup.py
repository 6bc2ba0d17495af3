from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections
from django.utils import timezone

from gpl_cohort.ops.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Back up the database (pg_dump or a SQLite copy) and the uploaded files to a folder."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--to", dest="target", help="Backup folder (default var/backups/<timestamp>)."
        )

    def handle(self, *args: object, **options: object) -> None:
        target = Path(
            str(options["target"])
            if options["target"]
            else settings.VAR_DIR / "backups" / timezone.now().strftime("%Y%m%d-%H%M%S")
        )
        database = connections["default"].settings_dict
        try:
            manifest = backup_create(database=database, target=target)
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(manifest["counts"].values())
        self.stdout.write(self.style.SUCCESS(f"Backup written to {target} ({rows} rows)."))
