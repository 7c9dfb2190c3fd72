"""Time ``resamplers.resize`` against its peers (the suite lives in ``resamplers.bench.resize``,
which ``resamplers bench`` runs too); results go to ``benchmarks/results``.

    .venv/bin/python benchmarks/bench_resize.py [--threads 1,2] [--quick] [--only PATTERN]
"""

import sys
from pathlib import Path

from resamplers.bench.resize import main

if __name__ == "__main__":
    sys.exit(main(default_out=Path(__file__).resolve().parent / "results"))
