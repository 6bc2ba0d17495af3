"""The import's stages run in threads of their own (`reading.prefetched`): what a stage yields
arrives in order, its error arrives where it happened, and a consumer that stops early leaves
no thread behind."""

import threading
import time

import pytest

from calldata.engine.reading import prefetched


def _producer_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "csv-prefetch"]


def test_items_arrive_in_order_and_the_producer_runs_ahead():
    produced = []

    def items():
        for n in range(5):
            produced.append(n)
            yield n

    stream = prefetched(items(), depth=1)
    assert next(stream) == 0
    time.sleep(0.2)
    # While the consumer holds item 0, the producer has made item 1 and starts no further one
    # (an import's items are frames of tens of MB).
    assert produced == [0, 1]
    assert list(stream) == [1, 2, 3, 4]
    assert not _producer_threads()


def test_an_error_reaches_the_consumer_after_the_items_before_it():
    def items():
        yield "first block"
        raise ValueError("line 12 is broken")

    stream = prefetched(items())
    assert next(stream) == "first block"
    with pytest.raises(ValueError, match="line 12 is broken"):
        next(stream)
    assert not _producer_threads()


def test_a_consumer_that_stops_early_stops_the_producer():
    made = []

    def endless():
        n = 0
        while True:
            made.append(n)
            yield n
            n += 1

    stream = prefetched(endless(), depth=2)
    assert [next(stream) for _ in range(3)] == [0, 1, 2]
    stream.close()
    assert not _producer_threads()
    count = len(made)
    time.sleep(0.2)
    assert len(made) == count  # nothing more is read after the consumer stopped


def test_a_stage_can_feed_the_next():
    stages = prefetched(map(str.upper, prefetched(iter(["a", "b", "c"]))))
    assert list(stages) == ["A", "B", "C"]
    assert not _producer_threads()
