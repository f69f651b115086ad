"""Helpers the Python classes share: timestamps, ids, and reopening native objects in a child
process made by fork() (each process has its own native context)."""

import datetime
import os

import numpy as np

from .errors import InvalidArgumentError


def unix_seconds(timestamp):
    """None, 'now', unix seconds, a datetime or an ISO string to unix seconds (None stays)."""
    if timestamp is None:
        return None
    if isinstance(timestamp, str):
        if timestamp == "now":
            return datetime.datetime.now(datetime.timezone.utc).timestamp()
        try:
            t = datetime.datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
        except ValueError:
            raise InvalidArgumentError(
                "timestamp: expected unix seconds, a datetime or an ISO time, got %r" % timestamp
            ) from None
        timestamp = t
    if isinstance(timestamp, datetime.datetime):
        if timestamp.tzinfo is None:
            timestamp = timestamp.replace(tzinfo=datetime.timezone.utc)
        return timestamp.timestamp()
    if isinstance(timestamp, (int, float, np.integer, np.floating)):
        return float(timestamp)
    raise InvalidArgumentError(
        "timestamp: expected unix seconds, a datetime or an ISO time, got %r" % (timestamp,)
    )


def id_pattern(value):
    """An id (negative int64 included) as its unsigned 64-bit pattern."""
    return int(value) % (1 << 64)


class PerProcess:
    """A native object made by ``factory`` and made again in a child process: native objects
    belong to the context of the process that made them, and a forked child has its own."""

    def __init__(self, factory):
        self._factory = factory
        self._pid = os.getpid()
        self._value = factory()

    def get(self):
        if self._value is None or self._pid != os.getpid():
            self._value = self._factory()
            self._pid = os.getpid()
        return self._value

    def __getstate__(self):
        # Pickled for a spawned process: only the factory travels; the child opens on first use
        # (not while unpickling, when the factory's owner may not be whole yet).
        return {"factory": self._factory}

    def __setstate__(self, state):
        self._factory = state["factory"]
        self._pid = None
        self._value = None
