from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = "Community of practice"

    def ready(self) -> None:
        from community.models import Membership
        from gpl_cohort.accounts.session_user import forget_on_change

        # The session's user carries the membership's status and feed token.
        for signal in (post_save, post_delete):
            signal.connect(forget_on_change, sender=Membership)
