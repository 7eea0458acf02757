"""DDS plumbing: one domain per process (set up through unitree_sdk2py), polled readers, plain writers, publisher detection."""

from __future__ import annotations

import logging
import threading
import time

from cyclonedds.domain import DomainParticipant
from cyclonedds.internal import InvalidSample
from cyclonedds.pub import DataWriter
from cyclonedds.qos import Policy, Qos
from cyclonedds.sub import DataReader
from cyclonedds.topic import Topic
from unitree_sdk2py.core.channel import ChannelFactoryInitialize

from humanoid_lmm.errors import SafetyError

__all__ = ["Publisher", "PolledReader", "close", "count_publishers_samples", "init_dds", "open_publisher", "open_reader"]

log = logging.getLogger("humanoid_lmm.control")
_lock = threading.Lock()
_domain: tuple[int, str | None] | None = None
_participant: DomainParticipant | None = None
# Our readers and writers have no DDS listeners: a listener runs Python in a DDS thread, which must wait for
# the GIL. That made samples arrive late in a busy process (see PolledReader), and deleting an entity whose
# listener was waiting deadlocked (at interpreter exit too: a writer of unitree_sdk2py's, whose
# publication-matched listener fired when the simulated robot's process went away, hung pytest's exit).
# Without listeners an entity can be deleted at any time: owners `close()` what they opened.
_topics: dict[str, Topic] = {}
_open: set[int] = set()  # ids of the readers/writers open now (tests check nothing leaks)


def init_dds(domain_id: int, interface: str | None) -> None:
    """ChannelFactoryInitialize once per process; a second call with other settings is an error."""
    global _domain, _participant
    with _lock:
        if _domain is None:
            ChannelFactoryInitialize(int(domain_id), interface)  # also what unitree_sdk2py's clients use
            _participant = DomainParticipant(int(domain_id))
            _domain = (int(domain_id), interface)
            log.info("DDS domain %d on interface %s", domain_id, interface or "<auto>")
        elif _domain != (int(domain_id), interface):
            raise SafetyError(f"DDS already initialised on domain/interface {_domain}; "
                              f"requested {(domain_id, interface)} (one domain per process)")


def _topic(name: str, msg_type) -> Topic:
    with _lock:
        if _participant is None:
            raise SafetyError(f"DDS topic {name!r} opened before init_dds()")
        if name not in _topics:
            _topics[name] = Topic(_participant, name, msg_type)
        return _topics[name]


class _Entity:
    _dds = None

    def close(self) -> None:
        """Delete the DDS entity now (idempotent)."""
        if self._dds is not None:
            self._dds.__del__()  # cyclonedds deletes in __del__; called explicitly, a later GC call is a no-op
            self._dds = None
            _open.discard(id(self))

    @property
    def closed(self) -> bool:
        return self._dds is None


class Publisher(_Entity):
    """A DDS writer with no listener; `Write(msg)` as unitree_sdk2py's ChannelPublisher."""

    def __init__(self, topic: str, msg_type):
        self._dds = DataWriter(_participant, _topic(topic, msg_type))
        _open.add(id(self))

    def Write(self, msg) -> None:  # noqa: N802 - the unitree_sdk2py name
        if self._dds is None:
            raise SafetyError("write on a closed DDS publisher")
        self._dds.write(msg)


def open_publisher(topic: str, msg_type) -> Publisher:
    return Publisher(topic, msg_type)


def close(entity) -> None:
    """Close a Publisher / PolledReader (None is fine)."""
    if entity is not None:
        entity.close()


def open_entities() -> int:
    """How many of our readers and writers are open in this process."""
    return len(_open)


class PolledReader(_Entity):
    """A DDS reader with no listener: the owner's control loop takes the samples (non-blocking).

    Listener callbacks run Python in the DDS receive thread, which then waits for the GIL; in a busy process the
    samples queue up behind it and arrive late but look fresh to a watchdog (measured: rt/lowstate 200 ms late
    with the robot in another process). Polled, the receive thread never needs the GIL and the reader keeps only
    the newest `depth` samples.
    """

    def __init__(self, topic: str, msg_type, depth: int = 1):
        qos = Qos(Policy.History.KeepLast(int(depth)))
        self._dds = DataReader(_participant, _topic(topic, msg_type), qos)
        self.depth = int(depth)
        _open.add(id(self))

    def take(self) -> list:
        """All samples received since the last call, oldest first (at most `depth`); [] once closed."""
        if self._dds is None:
            return []
        return [m for m in self._dds.take(N=self.depth) if not isinstance(m, InvalidSample)]

    def take_with_writers(self) -> list[tuple[object, int]]:
        """Like take(), with the publication handle (which writer sent it) of each sample."""
        if self._dds is None:
            return []
        return [(m, m.sample_info.publication_handle) for m in self._dds.take(N=self.depth)
                if not isinstance(m, InvalidSample)]

    def latest(self):
        """The newest sample since the last call, or None."""
        got = self.take()
        return got[-1] if got else None


def open_reader(topic: str, msg_type, depth: int = 1) -> PolledReader:
    return PolledReader(topic, msg_type, depth)


def count_publishers_samples(topic: str, msg_type, window_s: float, poll_s: float = 0.01) -> int:
    """Listen on `topic` for window_s [s]; return how many samples other writers sent (0 = free)."""
    reader = open_reader(topic, msg_type, depth=64)
    try:
        n, t_end = 0, time.monotonic() + window_s
        while time.monotonic() < t_end:
            time.sleep(poll_s)
            n += len(reader.take())
        return n
    finally:
        reader.close()
