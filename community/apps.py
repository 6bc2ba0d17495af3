from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = "Community of practice"

    def ready(self) -> None:
        from community import caching
        from community.models import Membership, Presenter, Registration, Session, Topic
        from gpl_cohort.accounts.session_user import forget_on_change
        from jurisdictions.models import Jurisdiction

        # The session's user carries the membership's status and feed token.
        for signal in (post_save, post_delete):
            signal.connect(forget_on_change, sender=Membership)
            # What community.caching keeps: upcoming sessions, session pages, statuses.
            signal.connect(caching.session_changed, sender=Session)
            signal.connect(caching.presenter_changed, sender=Presenter)
            signal.connect(caching.registration_changed, sender=Registration)
            signal.connect(caching.topic_changed, sender=Topic)
            signal.connect(caching.jurisdiction_changed, sender=Jurisdiction)
