"""All humanoid_lmm nodes in one process (`humanoid-lmm up --composed`): same graph, same topics."""

from __future__ import annotations

from humanoid_lmm.ros.base import run_nodes
from humanoid_lmm.ros.graph import NODES, node_class


def main(args=None) -> None:
    run_nodes([node_class(spec) for spec in NODES], args)


if __name__ == "__main__":
    main()
