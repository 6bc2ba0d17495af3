from django.apps import AppConfig
from django.core import checks
from django.db.models.signals import post_delete, post_save


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = "Applications"

    def ready(self) -> None:
        from applications import receivers
        from applications.models import ApplicationContact
        from applications.selectors import is_applicant, is_applicant_expression
        from applications.services.transitions import effects_check
        from gpl_cohort.accounts.roles import role_register, session_user_annotate
        from gpl_cohort.accounts.session_user import forget_on_change
        from jurisdictions import signals

        # Whether the person is a contact on any application: a role (accounts.roles) that the
        # home page's applications panel reads too, loaded with the session's user.
        session_user_annotate("_has_application_contact", is_applicant_expression)
        role_register("is_applicant", ask=is_applicant, preloaded="_has_application_contact")

        signals.paperwork_received.connect(
            receivers.on_paperwork_received, dispatch_uid="applications-paperwork-received"
        )
        signals.membership_enrolled.connect(
            receivers.on_membership_enrolled, dispatch_uid="applications-membership-enrolled"
        )
        # The session's user carries whether they are a contact on any application.
        for signal in (post_save, post_delete):
            signal.connect(forget_on_change, sender=ApplicationContact)
        # Every effect the workflow names is implemented, once every app has registered its own
        # (community's invitation is registered after this app is ready).
        checks.register(effects_check)
