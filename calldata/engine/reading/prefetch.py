"""Producing the items of an iterator in a thread of their own, a little ahead of the consumer."""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Generator, Iterator

_DONE = object()


def prefetched(items: Iterator, depth: int = 1) -> Generator:
    """`items`, produced in a thread of its own up to `depth` ahead of the consumer. Errors
    reach the consumer in order; a consumer that stops early stops the producer."""
    slots: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                while not stop.is_set():
                    try:
                        slots.put((item, None), timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            slots.put((_DONE, None))
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
            yield item
    finally:
        stop.set()
        while producer.is_alive():
            with contextlib.suppress(queue.Empty):
                slots.get(timeout=0.1)
        producer.join()
