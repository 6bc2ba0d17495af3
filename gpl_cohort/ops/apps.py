from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "gpl_cohort.ops"
    label = "ops"
    verbose_name = "Operations (backup and restore)"
