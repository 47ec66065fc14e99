"""The few names whose meaning differs between Python 2.7 and 3.x.

Kept tiny on purpose (packaging 20.9 style): only what secureshim uses.
The split is by language version because these are language semantics,
not library features that distributions backport.
"""
from __future__ import absolute_import, division, print_function

import sys

PY2 = sys.version_info[0] == 2

if sys.version_info[0] == 2:
    text_type = unicode  # noqa: F821
    integer_types = (int, long)  # noqa: F821
else:
    text_type = str
    integer_types = (int,)
