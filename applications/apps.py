from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = "Applications and cohorts"

    def ready(self) -> None:
        from applications import receivers
        from jurisdictions import signals

        signals.paperwork_received.connect(
            receivers.on_paperwork_received, dispatch_uid="applications-paperwork-received"
        )
        signals.membership_enrolled.connect(
            receivers.on_membership_enrolled, dispatch_uid="applications-membership-enrolled"
        )
