"""Django's Redis cache, with one Redis client per connection pool instead of one per call;
and `cache_drop`, how a cached copy of changing rows is dropped.

Django's RedisCacheClient builds a new `redis.Redis` for every cache operation; redis-py fills
~170 response callbacks in each constructor, which costs more CPU than the round trip to Redis.
Every request reads its session from this cache, so the client is kept (it is thread-safe: it
borrows a connection from the pool per command).
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.db import transaction


class ReusedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        # RedisCacheClient's private helpers, which django-stubs does not declare.
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return client


class ReusedClientRedisCache(RedisCache):
    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient


def cache_drop(key: str) -> None:
    """Drop a cached copy of rows being changed: at once, and again when the transaction
    commits, so a reader that filled the entry from the old rows mid-transaction cannot keep
    it. Outside a transaction the second drop runs at once too."""
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))
