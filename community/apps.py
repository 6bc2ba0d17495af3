from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = "Community of practice"

    def ready(self) -> None:
        from applications.services import transition_effect_register
        from community import caching
        from community.models import Membership, Presenter, Registration, Session, Topic
        from community.selectors import (
            feed_token_expression,
            is_practitioner,
            is_practitioner_expression,
        )
        from community.services import membership_invite_not_selected_applicants
        from gpl_cohort.accounts.roles import role_register, session_user_annotate
        from gpl_cohort.accounts.session_user import forget_on_change
        from jurisdictions.models import Jurisdiction

        # Who is a practitioner, asked by accounts.roles; loaded with the session's user, as is
        # the calendar feed token the sessions pages read.
        session_user_annotate("_has_approved_membership", is_practitioner_expression)
        session_user_annotate("_community_feed_token", feed_token_expression)
        role_register("is_practitioner", ask=is_practitioner, preloaded="_has_approved_membership")

        # The session's user carries the membership's status and feed token.
        for signal in (post_save, post_delete):
            signal.connect(forget_on_change, sender=Membership)
            # What community.caching keeps: upcoming sessions, session pages, statuses.
            signal.connect(caching.session_changed, sender=Session)
            signal.connect(caching.presenter_changed, sender=Presenter)
            signal.connect(caching.registration_changed, sender=Registration)
            signal.connect(caching.topic_changed, sender=Topic)
            signal.connect(caching.jurisdiction_changed, sender=Jurisdiction)

        # An applicant who is declined or not selected is invited into the community of practice
        # (applications/workflow.py names the effect; this app does it).
        transition_effect_register(
            "invite_to_community_of_practice", membership_invite_not_selected_applicants
        )
