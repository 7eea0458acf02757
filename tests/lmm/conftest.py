"""pytest setup of tests/lmm: helpers live in lmm_fixtures.py (a unique module name)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
