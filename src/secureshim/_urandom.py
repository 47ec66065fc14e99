"""urandom: os.urandom, or a persistent /dev/urandom descriptor.

Tiers: ``native`` (``os.urandom`` where it is C code: getrandom(2), a cached
descriptor or the Windows API; 2.7.9+ and 3.4+) and ``fd``.

``fd`` is the behaviour Python 2.7.9 gained in bpo-21305 (keep one
descriptor open instead of opening /dev/urandom on every call, which fails
under descriptor exhaustion), with the robustness CPython added in
bpo-21207: other code may close our descriptor (``os.closerange`` before an
exec, daemonisation) and the number may then be reused for an unrelated
file, so before every read the descriptor is checked against the device and
inode recorded when it was opened. When it no longer matches, a new one is
opened and the old number is left alone: it belongs to whoever reused it.
There is never a userspace generator to fall back to.
"""
from __future__ import absolute_import, division, print_function

import errno
import operator
import os
import stat
import sys
import threading

from . import _detect, _warn
from .exceptions import DegradedSecurityWarning

MYPY = False
if MYPY:  # pragma: no cover
    from typing import Callable, Tuple  # noqa: F401

DEVICE = "/dev/urandom"

# O_CLOEXEC: 3.3+ on Linux and the BSDs; older interpreters set FD_CLOEXEC
# with fcntl right after opening, which leaves a window only for a
# concurrent fork+exec in another thread.
_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
# O_NOCTTY: every POSIX os module; absent on Windows, which never uses this.
_O_FLAGS = os.O_RDONLY | _O_CLOEXEC | getattr(os, "O_NOCTTY", 0)

# Errors that mean there is no random device here at all, as opposed to a
# transient failure such as EMFILE that the caller should see as OSError.
_NO_DEVICE = (errno.ENOENT, errno.ENODEV, errno.ENXIO)


def _set_cloexec(fd):
    # type: (int) -> None
    import fcntl

    flags = fcntl.fcntl(fd, fcntl.F_GETFD)
    fcntl.fcntl(fd, fcntl.F_SETFD, flags | fcntl.FD_CLOEXEC)


class _Descriptor(object):
    """One process's /dev/urandom descriptor and what it must refer to."""

    def __init__(self, opened=(-1, -1, -1)):
        # type: (Tuple[int, int, int]) -> None
        self.lock = threading.Lock()
        self.pid = os.getpid()
        # (fd, st_dev, st_ino), replaced as a whole so that readers in other
        # threads never see a descriptor paired with another's identity.
        self.opened = opened

    def current(self):
        # type: () -> int
        """Return a descriptor on /dev/urandom that is still ours.

        The slow path, after the caller's own check failed: decide and, if
        need be, reopen under the lock, so that threads never reopen twice.
        """
        with self.lock:
            opened = self.opened
            if _still_ours(opened):
                return opened[0]
            self.opened = _open_device()
            return self.opened[0]


def _still_ours(opened):
    # type: (Tuple[int, int, int]) -> bool
    fd, dev, ino = opened
    if fd < 0:
        return False
    try:
        st = os.fstat(fd)
    except OSError:
        return False  # closed behind our back
    return st.st_ino == ino and st.st_dev == dev


def _open_device():
    # type: () -> Tuple[int, int, int]
    try:
        fd = os.open(DEVICE, _O_FLAGS)
    except OSError as exc:
        if exc.errno in _NO_DEVICE:
            raise NotImplementedError("%s not found: %s" % (DEVICE, exc))
        raise
    try:
        if not _O_CLOEXEC:
            _set_cloexec(fd)
        st = os.fstat(fd)
        if not stat.S_ISCHR(st.st_mode):
            raise NotImplementedError(
                "%s is not a character device; refusing to read it" % DEVICE
            )
    except BaseException:
        os.close(fd)
        raise
    return fd, st.st_dev, st.st_ino


_state = _Descriptor()


def _fresh_state_in_child():
    # type: () -> None
    # Forked child: the parent's lock may have been held by a thread that
    # does not exist here, so start with a fresh lock. The inherited
    # descriptor is a copy of ours and is reused if it still checks out.
    global _state
    _state = _Descriptor(_state.opened)


# os.register_at_fork: 3.7+ (bpo-16500). Older interpreters compare the
# process id on every call instead, which costs a system call each time.
_AT_FORK = hasattr(os, "register_at_fork")
if _AT_FORK:
    os.register_at_fork(after_in_child=_fresh_state_in_child)


def _read(fd, n):
    # type: (int, int) -> bytes
    chunks = []
    while n > 0:
        try:
            chunk = os.read(fd, n)
        except OSError as exc:
            # 3.5+ retries EINTR itself (PEP 475); 2.7 does not.
            if exc.errno == errno.EINTR:
                continue
            raise
        if not chunk:
            raise OSError(errno.EIO, "unexpected end of file on %s" % DEVICE)
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


_fstat = os.fstat
_os_read = os.read


def fd_urandom(n):
    # type: (int) -> bytes
    """Return a bytes object of ``n`` random bytes suitable for cryptographic use.

    secureshim's ``fd`` tier: reads /dev/urandom through one descriptor kept
    open for the life of the process (see the module docstring for how it
    survives being closed or replaced). Raises ``NotImplementedError`` where
    there is no /dev/urandom, like ``os.urandom``; never falls back to a
    userspace generator.
    """
    if _fd_first_use:
        _warn.fire(_fd_first_use)
    if type(n) is not int:
        n = operator.index(n)
    # Py_ssize_t conversion first, then the sign, as os.urandom.
    if n > sys.maxsize or n < -sys.maxsize - 1:
        raise OverflowError("Python int too large to convert to C ssize_t")
    if n <= 0:
        if n < 0:
            raise ValueError("negative argument not allowed")
        return b""
    state = _state
    if not _AT_FORK and state.pid != os.getpid():
        _fresh_state_in_child()
        state = _state
    # The common case, inline: our descriptor still refers to the device.
    fd, dev, ino = state.opened
    try:
        st = _fstat(fd)
    except OSError:
        fd = state.current()
    else:
        if st.st_ino != ino or st.st_dev != dev:
            fd = state.current()
    try:
        data = _os_read(fd, n)
    except OSError as exc:
        if exc.errno != errno.EINTR:  # 2.7 does not retry EINTR itself
            raise
        data = b""
    if len(data) == n:
        return data
    return data + _read(fd, n - len(data))


# The fd tier is the better choice only where os.urandom is the old
# open-read-close Python code (before 2.7.9).
if _detect.URANDOM_IS_C:
    _available = ("native", "fd") if _detect.HAS_DEV_URANDOM else ("native",)
else:
    _available = ("fd", "native") if _detect.HAS_DEV_URANDOM else ("native",)
TIER = _detect.choose("urandom", _available)

_fd_first_use = []  # type: _warn.Pending
if TIER == "fd" and _available[0] != "fd":
    _fd_first_use = _warn.arm(
        "urandom",
        "urandom: the fd tier is in use because SECURESHIM_FORCE selects it; "
        "it reads /dev/urandom, which unlike os.urandom here does not wait "
        "for the kernel's pool to be initialised early in boot (getrandom). "
        "Fix: unset SECURESHIM_FORCE.",
        DegradedSecurityWarning,
    )

_native_first_use = []  # type: _warn.Pending
if TIER == "native" and _available[0] != "native":
    _native_first_use = _warn.arm(
        "urandom",
        "urandom: the native tier is in use because SECURESHIM_FORCE selects "
        "it; os.urandom here opens /dev/urandom on every call and fails when "
        "the process runs out of descriptors. Fix: unset SECURESHIM_FORCE.",
        DegradedSecurityWarning,
    )


def _forced_native_urandom(n):
    # type: (int) -> bytes
    """Return ``os.urandom(n)``, warning once that it is the weaker tier."""
    if _native_first_use:
        _warn.fire(_native_first_use)
    return os.urandom(n)


if TIER == "fd":
    urandom = fd_urandom  # type: Callable[[int], bytes]
elif _native_first_use:
    urandom = _forced_native_urandom
else:
    urandom = os.urandom
