"""``python -m resamplers``: the same as the ``resamplers`` command."""

import sys

from resamplers.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
