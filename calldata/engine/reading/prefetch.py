"""Producing the items of an iterator in a thread of their own, a little ahead of the consumer."""

from __future__ import annotations

import queue
import threading
from collections.abc import Generator, Iterator

_DONE = object()


def prefetched(items: Iterator, depth: int = 1) -> Generator:
    """`items`, produced in a thread of its own up to `depth` ahead of the consumer. Errors
    reach the consumer in order; a consumer that stops early stops the producer.

    The producer starts an item only when a place is free, so at most `depth` items are made
    or waiting beside the one the consumer holds (an import's frames are tens of MB each):
    with depth 1 the next frame is made while this one is used, and no further."""
    slots: queue.Queue = queue.Queue()
    free = threading.Semaphore(depth)
    stop = threading.Event()

    def produce() -> None:
        iterator = iter(items)
        try:
            while True:
                while not free.acquire(timeout=0.1):
                    if stop.is_set():
                        return
                if stop.is_set():
                    return
                item = next(iterator, _DONE)
                slots.put((item, None))
                if item is _DONE:
                    return
        except BaseException as error:  # handed to the consumer, raised there
            slots.put((_DONE, error))
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()  # a generator's own clean-up runs now, not when it is collected

    producer = threading.Thread(target=produce, name="csv-prefetch", daemon=True)
    producer.start()
    try:
        while True:
            item, error = slots.get()
            if error is not None:
                raise error
            if item is _DONE:
                return
            free.release()  # the consumer holds this item: the producer may start the next
            yield item
    finally:
        stop.set()
        free.release()  # a producer waiting for a place sees `stop`
        producer.join()
