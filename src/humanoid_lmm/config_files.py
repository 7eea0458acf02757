"""Reading `config/*.yaml`: one place that turns unreadable or malformed files into a ConfigError."""

from __future__ import annotations

from pathlib import Path

import yaml

from humanoid_lmm import project_root
from humanoid_lmm.errors import ConfigError

__all__ = ["config_path", "read_yaml_mapping"]


def config_path(path: str | Path | None, default_name: str) -> Path:
    """`path`, or `config/<default_name>` of the project."""
    return Path(path) if path else project_root() / "config" / default_name


def read_yaml_mapping(path: Path, what: str, allowed: set[str] | None = None) -> dict:
    """The top-level mapping of a YAML file (empty file -> {}); names the file and, with `allowed`, any
    unknown field together with the valid ones."""
    try:
        raw = yaml.safe_load(Path(path).read_text())
    except (OSError, yaml.YAMLError) as e:
        raise ConfigError(f"{path}: cannot read {what}: {e}") from e
    raw = {} if raw is None else raw
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: {what} must be a mapping at the top level, got {type(raw).__name__}")
    if allowed is not None and (unknown := set(raw) - allowed):
        raise ConfigError(f"{path}: unknown field(s) {sorted(unknown)} in {what}; valid: {sorted(allowed)}")
    return raw
