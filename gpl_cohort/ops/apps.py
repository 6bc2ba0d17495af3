from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "gpl_cohort.ops"
    label = "ops"
    verbose_name = "Operations (backup, restore, audit log)"

    def ready(self) -> None:
        from gpl_cohort.ops.audit import audit_register_models

        audit_register_models()
