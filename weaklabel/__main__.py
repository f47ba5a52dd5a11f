"""``python -m weaklabel``: the command line."""

import sys

from weaklabel.cli import main

if __name__ == "__main__":
    sys.exit(main())
