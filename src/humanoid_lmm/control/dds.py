"""DDS plumbing over unitree_sdk2py: one domain per process, lowstate/lowcmd channels, publisher detection."""

from __future__ import annotations

import logging
import threading
import time

from unitree_sdk2py.core.channel import ChannelFactoryInitialize, ChannelPublisher, ChannelSubscriber

from humanoid_lmm.errors import SafetyError

__all__ = ["count_publishers_samples", "init_dds", "open_publisher", "open_subscriber"]

log = logging.getLogger("humanoid_lmm.control")
_lock = threading.Lock()
_domain: tuple[int, str | None] | None = None
# DDS readers/writers are kept for the life of the process and never deleted: deleting (or garbage-collecting)
# a cyclonedds entity while another thread writes to the same topic deadlocked in our tests (entity delete
# waits for a listener that waits for the GIL). Owners stop using them instead (`close()` = stop + mute).
_keep: list = []


def init_dds(domain_id: int, interface: str | None) -> None:
    """ChannelFactoryInitialize once per process; a second call with other settings is an error."""
    global _domain
    with _lock:
        if _domain is None:
            ChannelFactoryInitialize(int(domain_id), interface)
            _domain = (int(domain_id), interface)
            log.info("DDS domain %d on interface %s", domain_id, interface or "<auto>")
        elif _domain != (int(domain_id), interface):
            raise SafetyError(f"DDS already initialised on domain/interface {_domain}; "
                              f"requested {(domain_id, interface)} (one domain per process)")


def open_publisher(topic: str, msg_type) -> ChannelPublisher:
    pub = ChannelPublisher(topic, msg_type)
    pub.Init()
    _keep.append(pub)
    return pub


def open_subscriber(topic: str, msg_type, handler) -> ChannelSubscriber:
    sub = ChannelSubscriber(topic, msg_type)
    sub.Init(handler, 0)
    _keep.append(sub)
    return sub


def count_publishers_samples(topic: str, msg_type, window_s: float) -> int:
    """Listen on `topic` for window_s [s]; return how many samples other writers sent (0 = free)."""
    n = [0]
    listening = [True]

    def on_sample(_msg) -> None:
        if listening[0]:
            n[0] += 1

    open_subscriber(topic, msg_type, on_sample)
    time.sleep(window_s)
    listening[0] = False
    return n[0]
