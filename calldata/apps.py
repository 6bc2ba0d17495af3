from django.apps import AppConfig


class CalldataConfig(AppConfig):
    name = "calldata"
    verbose_name = "911 call data"
