"""``python -m secureshim`` (or ``secureshim``): this interpreter's security posture.

The command line lives in ``secureshim._cli``; see ``python -m secureshim
--help`` and docs/diagnostics.md.
"""
from __future__ import absolute_import, division, print_function

import sys

from ._cli.main import main

__all__ = ["main"]

if __name__ == "__main__":
    sys.exit(main())
