"""Reading a small configuration or certificate file without surprises.

A path named by the environment or a configuration can be a FIFO (an
ordinary ``open`` then waits for a writer for ever), a device such as
``/dev/zero`` (never ends), a directory, a symlink loop or a huge file.
:func:`read_regular` reads only a regular file, and only up to a bound.
"""
from __future__ import absolute_import, division, print_function

import os
import stat

MYPY = False
if MYPY:  # pragma: no cover
    from typing import List  # noqa: F401

# O_NONBLOCK: opening a FIFO for reading returns at once instead of waiting
# for a writer (POSIX); Windows has no FIFOs to open and no such flag.
_FLAGS = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
          | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))


class NotReadable(ValueError):
    """The path is not a regular file, or holds more than the bound."""


def read_regular(path, limit):
    # type: (str, int) -> bytes
    """The content of the regular file at ``path``, at most ``limit`` bytes.

    Raises ``OSError`` (``IOError`` on 2.7) when it cannot be opened or read
    (missing, unreadable, a symlink loop, ...) and :class:`NotReadable`
    when it is not a regular file or is larger than ``limit``.
    """
    handle = os.open(path, _FLAGS)
    try:
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            raise NotReadable("is not a regular file")
        chunks = []  # type: List[bytes]
        size = 0
        while size <= limit:
            chunk = os.read(handle, min(65536, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise NotReadable("is larger than %d bytes" % limit)
        return b"".join(chunks)
    finally:
        os.close(handle)
