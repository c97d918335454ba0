"""``python -m pairwell``: the command line."""

import sys

from pairwell.cli import main

sys.exit(main())
