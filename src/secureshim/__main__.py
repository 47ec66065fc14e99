"""``python -m secureshim``: which tier each primitive uses, and the flags."""
from __future__ import absolute_import, division, print_function

import platform
import sys

from . import __version__, backends, features

MYPY = False
if MYPY:  # pragma: no cover
    from typing import List, Optional  # noqa: F401


def main(argv=None):
    # type: (Optional[List[str]]) -> int
    print("secureshim %s on %s %s (%s)" % (
        __version__,
        platform.python_implementation(),
        platform.python_version(),
        sys.platform,
    ))
    print("")
    print("backends:")
    chosen = backends()
    width = max(len(name) for name in chosen)
    for name in sorted(chosen):
        print("  %-*s  %s" % (width, name, chosen[name]))
    print("")
    print("features:")
    flags = features.as_dict()
    width = max(len(name) for name in flags)
    for name in sorted(flags):
        print("  %-*s  %s" % (width, name, flags[name]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
