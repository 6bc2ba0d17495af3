from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = "Community of practice"

    def ready(self) -> None:
        from community import page_cache

        page_cache.connect()
