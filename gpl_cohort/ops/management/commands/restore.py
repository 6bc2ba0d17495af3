from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from gpl_cohort.ops.backup import BackupError, backup_restore, table_counts


class Command(BaseCommand):
    help = "Restore a backup folder into an EMPTY database (create it first) and the storage."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", help="The backup folder written by `manage.py backup`.")

    def handle(self, *args: object, **options: object) -> None:
        database = connections["default"].settings_dict
        try:
            manifest = backup_restore(
                database=database,
                source=Path(str(options["source"])),
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        connections["default"].close()
        restored = table_counts()
        missing = {
            label: (count, restored.get(label, 0))
            for label, count in manifest["counts"].items()
            if restored.get(label, 0) != count
        }
        if missing:
            raise CommandError(f"Restored row counts differ from the backup: {missing}")
        self.stdout.write(
            self.style.SUCCESS(f"Restored {sum(restored.values())} rows and the stored files.")
        )
