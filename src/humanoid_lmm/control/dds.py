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

__all__ = ["Publisher", "PolledReader", "count_publishers_samples", "init_dds", "open_publisher", "open_reader"]

log = logging.getLogger("humanoid_lmm.control")
_lock = threading.Lock()
_domain: tuple[int, str | None] | None = None
_participant: DomainParticipant | None = None
# Our readers and writers have no DDS listeners: a listener runs Python in a DDS thread, which must wait for
# the GIL. That made samples arrive late in a busy process (see PolledReader), and deleting an entity whose
# listener was waiting deadlocked (at interpreter exit too: a writer of unitree_sdk2py's, whose
# publication-matched listener fired when the simulated robot's process went away, hung pytest's exit).
# Entities are kept for the life of the process; owners stop using them (`close()` = stop + mute).
_keep: list = []
_topics: dict[str, Topic] = {}


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


class Publisher:
    """A DDS writer with no listener; `Write(msg)` as unitree_sdk2py's ChannelPublisher."""

    def __init__(self, topic: str, msg_type):
        self._writer = DataWriter(_participant, _topic(topic, msg_type))

    def Write(self, msg) -> None:  # noqa: N802 - the unitree_sdk2py name
        self._writer.write(msg)


def open_publisher(topic: str, msg_type) -> Publisher:
    pub = Publisher(topic, msg_type)
    _keep.append(pub)
    return pub


class PolledReader:
    """A DDS reader with no listener: the owner's control loop takes the samples (non-blocking).

    Listener callbacks run Python in the DDS receive thread, which then waits for the GIL; in a busy process the
    samples queue up behind it and arrive late but look fresh to a watchdog (measured: rt/lowstate 200 ms late
    with the robot in another process). Polled, the receive thread never needs the GIL and the reader keeps only
    the newest `depth` samples.
    """

    def __init__(self, topic: str, msg_type, depth: int = 1):
        qos = Qos(Policy.History.KeepLast(int(depth)))
        self._reader = DataReader(_participant, _topic(topic, msg_type), qos)
        self.depth = int(depth)

    def take(self) -> list:
        """All samples received since the last call, oldest first (at most `depth`)."""
        return [m for m in self._reader.take(N=self.depth) if not isinstance(m, InvalidSample)]

    def latest(self):
        """The newest sample since the last call, or None."""
        got = self.take()
        return got[-1] if got else None


def open_reader(topic: str, msg_type, depth: int = 1) -> PolledReader:
    r = PolledReader(topic, msg_type, depth)
    _keep.append(r)
    return r


def count_publishers_samples(topic: str, msg_type, window_s: float, poll_s: float = 0.01) -> int:
    """Listen on `topic` for window_s [s]; return how many samples other writers sent (0 = free)."""
    reader = open_reader(topic, msg_type, depth=64)
    n, t_end = 0, time.monotonic() + window_s
    while time.monotonic() < t_end:
        time.sleep(poll_s)
        n += len(reader.take())
    return n
