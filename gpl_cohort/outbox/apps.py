from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "gpl_cohort.outbox"
    label = "outbox"
    verbose_name = "Outgoing email"
