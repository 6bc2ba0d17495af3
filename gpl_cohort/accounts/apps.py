from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save


class AccountsConfig(AppConfig):
    name = "gpl_cohort.accounts"
    label = "accounts"
    verbose_name = "People and log-in"

    def ready(self) -> None:
        from gpl_cohort.accounts.models import User
        from gpl_cohort.accounts.services import program_staff_group_sync
        from gpl_cohort.accounts.session_user import forget_on_change

        def _sync(**kwargs: object) -> None:
            program_staff_group_sync()

        # Runs after every migrate, so new models' permissions reach program staff at once.
        post_migrate.connect(_sync, dispatch_uid="accounts.program_staff_group_sync", weak=False)
        for signal in (post_save, post_delete):
            signal.connect(forget_on_change, sender=User)
