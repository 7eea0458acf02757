"""MCAP files the way rosbag2's MCAP storage writes them, from serialized (CDR) ROS 2 messages.

- profile "ros2"; one schema per message type, encoding "ros2msg", the complete message definition
  (the type's .msg text, then every dependency after a line of 80 '=' and "MSG: pkg/msg/Type"), as in
  rosbag2 docs/message_definition_encoding.md; message encoding "cdr"; channel metadata
  "offered_qos_profiles" (YAML);
- an output path ending in ".mcap" is one file; any other path is a rosbag2 bag folder
  (<folder>/<name>_0.mcap + metadata.yaml), which `ros2 bag info/play` and Foxglove open.

    with McapBagWriter("out.mcap") as bag:
        bag.write("/humanoid/status", "std_msgs/msg/String", cdr_bytes, time.time_ns())
    for topic, msg, log_time_ns in read_messages("out.mcap"):   # decoded (mcap-ros2-support)
        ...
"""

from __future__ import annotations

import os
import re
import sys
import threading
from pathlib import Path

import yaml

from humanoid_lmm.errors import ConfigError

__all__ = ["McapBagWriter", "message_definition", "read_messages", "resolve_bag_file"]

_PRIMITIVES = {"bool", "byte", "char", "float32", "float64", "int8", "uint8", "int16", "uint16", "int32",
               "uint32", "int64", "uint64", "string", "wstring"}
_SEPARATOR = "=" * 80


def _msg_file(type_name: str) -> Path:
    pkg, _, name = type_name.split("/")
    roots = [p for p in os.environ.get("AMENT_PREFIX_PATH", "").split(os.pathsep) if p] + [sys.prefix]
    for root in roots:
        path = Path(root) / "share" / pkg / "msg" / f"{name}.msg"
        if path.is_file():
            return path
    raise ConfigError(f"no .msg file for {type_name} under {roots} (share/{pkg}/msg/{name}.msg)")


def _dependencies(pkg: str, text: str) -> list[str]:
    """Complex field types of a .msg text, as pkg/msg/Type, in order of appearance."""
    out = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        field_type, rest = (line.split(None, 1) + [""])[:2]
        if "=" in rest:  # a constant ("byte OK=0")
            continue
        base = re.sub(r"\[.*\]$", "", field_type)  # arrays: T[], T[3], T[<=3]
        base = re.sub(r"<=\d+$", "", base)  # bounded strings
        if base in _PRIMITIVES:
            continue
        dep_pkg, dep_name = base.split("/") if "/" in base else (pkg, base)
        out.append(f"{dep_pkg}/msg/{dep_name}")
    return out


def message_definition(type_name: str) -> str:
    """The complete ros2msg definition of `type_name` ("std_msgs/msg/String"): itself + all dependencies."""
    if type_name.count("/") != 2:
        raise ConfigError(f"message type {type_name!r}: expected pkg/msg/Type")
    main = _msg_file(type_name).read_text()
    parts, seen, stack = [main.rstrip("\n")], {type_name}, _dependencies(type_name.split("/")[0], main)[::-1]
    while stack:
        dep = stack.pop()
        if dep in seen:
            continue
        seen.add(dep)
        text = _msg_file(dep).read_text()
        parts.append(f"{_SEPARATOR}\nMSG: {dep}\n{text.rstrip()}")
        stack.extend(_dependencies(dep.split("/")[0], text)[::-1])
    return "\n".join(parts) + "\n"


def resolve_bag_file(path: str | Path) -> Path:
    """The .mcap file of `path`: the file itself, or the first .mcap inside a rosbag2 bag folder."""
    path = Path(path)
    if path.is_dir():
        files = sorted(path.glob("*.mcap"))
        if not files:
            raise ConfigError(f"{path}: a folder without .mcap files")
        return files[0]
    return path


class McapBagWriter:
    """Thread-safe writer of serialized ROS 2 messages (see the module docstring). Call `close()`."""

    def __init__(self, output: str | Path, ros_distro: str = "jazzy"):
        from mcap.writer import CompressionType, Writer

        out = Path(output)
        self.folder = None if out.suffix == ".mcap" else out
        if self.folder is not None:
            self.folder.mkdir(parents=True, exist_ok=True)
            out = self.folder / f"{self.folder.name}_0.mcap"
        out.parent.mkdir(parents=True, exist_ok=True)
        self.path, self.ros_distro = out, ros_distro
        self._file = open(out, "wb")  # noqa: SIM115 - closed in close()
        self._writer = Writer(self._file, compression=CompressionType.ZSTD)
        self._writer.start(profile="ros2", library="humanoid_lmm recorder (mcap python)")
        self._schemas: dict[str, int] = {}
        self._channels: dict[str, tuple[int, str]] = {}
        self.counts: dict[str, int] = {}
        self._first_ns: int | None = None
        self._last_ns = 0
        self._lock = threading.Lock()
        self._closed = False

    def add_topic(self, topic: str, type_name: str, qos_yaml: str = "") -> int:
        with self._lock:
            if topic in self._channels:
                return self._channels[topic][0]
            if type_name not in self._schemas:
                self._schemas[type_name] = self._writer.register_schema(
                    name=type_name, encoding="ros2msg", data=message_definition(type_name).encode())
            cid = self._writer.register_channel(topic=topic, message_encoding="cdr", schema_id=self._schemas[type_name],
                                                metadata={"offered_qos_profiles": qos_yaml})
            self._channels[topic] = (cid, type_name)
            self.counts[topic] = 0
            return cid

    def write(self, topic: str, type_name: str, data: bytes, log_time_ns: int, publish_time_ns: int | None = None) -> None:
        cid = self.add_topic(topic, type_name)
        with self._lock:
            if self._closed:
                return
            seq = self.counts[topic]
            self._writer.add_message(channel_id=cid, log_time=log_time_ns, data=bytes(data),
                                     publish_time=publish_time_ns or log_time_ns, sequence=seq)
            self.counts[topic] = seq + 1
            self._first_ns = log_time_ns if self._first_ns is None else min(self._first_ns, log_time_ns)
            self._last_ns = max(self._last_ns, log_time_ns)

    def _metadata(self) -> dict:
        start, total = self._first_ns or 0, sum(self.counts.values())
        duration = max(0, self._last_ns - start)
        topics = [{"topic_metadata": {"name": t, "type": ty, "serialization_format": "cdr", "offered_qos_profiles": ""},
                   "message_count": self.counts[t]} for t, (_, ty) in self._channels.items()]
        return {"rosbag2_bagfile_information": {
            "version": 5, "storage_identifier": "mcap", "duration": {"nanoseconds": duration},
            "starting_time": {"nanoseconds_since_epoch": start}, "message_count": total,
            "topics_with_message_count": topics, "compression_format": "", "compression_mode": "",
            "relative_file_paths": [self.path.name],
            "files": [{"path": self.path.name, "starting_time": {"nanoseconds_since_epoch": start},
                       "duration": {"nanoseconds": duration}, "message_count": total}]}}

    def close(self) -> Path:
        """Finish the file (and write metadata.yaml for a bag folder); returns the .mcap path."""
        with self._lock:
            if self._closed:
                return self.path
            self._closed = True
            meta = yaml.safe_dump(self._metadata(), sort_keys=False)
            self._writer.add_metadata("rosbag2", {"serialized_metadata": meta, "ROS_DISTRO": self.ros_distro})
            self._writer.finish()
            self._file.close()
        if self.folder is not None:
            (self.folder / "metadata.yaml").write_text(meta)
        return self.path

    def __enter__(self) -> McapBagWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def read_messages(path: str | Path, topics=None):
    """Yield (topic, decoded message, log_time_ns) from an MCAP file or bag folder (mcap-ros2-support)."""
    from mcap.reader import make_reader
    from mcap_ros2.decoder import DecoderFactory

    with open(resolve_bag_file(path), "rb") as f:
        reader = make_reader(f, decoder_factories=[DecoderFactory()])
        for _schema, channel, message, decoded in reader.iter_decoded_messages(topics=topics):
            yield channel.topic, decoded, message.log_time
