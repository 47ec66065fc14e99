"""urandom: os.urandom, getrandom(2) through ctypes, or a /dev/urandom descriptor.

Tiers, best first: ``native`` (``os.urandom`` where it is C code:
getrandom(2), a cached descriptor or the Windows API; 2.7.9+ and 3.4+),
``getrandom`` and ``fd``. Where ``os.urandom`` is the old open-read-close
Python code (before 2.7.9) ``native`` comes last.

``getrandom`` calls getrandom(2) (Linux 3.17+) through ctypes: libc's
``getrandom`` wrapper (glibc 2.25+, musl 1.1.20+), else ``syscall(2)`` with
the architecture's number. It holds no descriptor, so nothing another thread
does to the descriptor table can redirect it, and like ``os.urandom`` on
3.6+ it waits for the kernel's pool at boot. Whether the kernel has it
(ENOSYS before 3.17, EPERM under some seccomp filters) is probed once, at
first use or when ``backends()`` asks; importing this module never imports
ctypes unless ``SECURESHIM_FORCE`` names this tier (a forced tier that cannot
run fails at import).

``fd`` keeps one descriptor open, as Python 2.7.9 does (bpo-21305: opening
/dev/urandom on every call fails under descriptor exhaustion), for kernels
without getrandom and for forced use. Other code may close that number
(``os.closerange`` before exec, daemonisation), or ``dup2`` something over
it, at any moment, including from another thread between any two of our
system calls (bpo-21207). What remains guaranteed, and why:

* Right before each read, ``fstat`` shows that our number still is the
  device and inode we opened, so a foreign file is normally not read at all.
  Right after it, ``fstat`` and ``fcntl(F_GETFL)`` show that the number is
  still *our* open file description: the same device and inode, carrying
  our mark, and no reopen of ours happened in between. Only then are the
  bytes returned.
* The mark is ``O_APPEND``, set at open: a status flag of the open file
  *description* (not of the inode), cheap to read, portable to every POSIX
  system and meaningless for a read-only device, so no other open of
  /dev/urandom carries it by accident. ``fstat`` alone cannot tell our
  description from any other open of the same device. (``F_SETOWN`` is
  per description too but only Linux accepts it on a device; ``kcmp(2)``
  needs ctypes and a kernel built with checkpoint/restore.)
* When the check after a read fails, the bytes are discarded and the read
  is retried on a fresh descriptor. So a ``dup2`` of a regular file over
  the number during the read is caught even when the number has been handed
  back to /dev/urandom by the time we look again: a foreign ``open`` of the
  device lacks the mark, and our own reopen onto the same number is seen
  because the reopen first sets the shared state to "closed" (before its
  ``open``), and the check reads the state after its ``fstat``.
* An ABA in which foreign code installs *another* /dev/urandom description
  at our number and the read lands on it still returns device bytes: the
  kernel served them from the random device. We discard them anyway when
  the mark is missing; that is a retry, not a weakness.
* What cannot be seen: a read served by a foreign file while foreign code
  swaps the number away and back to a description carrying our mark within
  the read. That needs a copy of our own description (``dup`` of our number
  taken earlier, then ``dup2`` back) or a foreign open of the device with
  ``O_APPEND``, both inside one read system call: deliberate sabotage, not
  an accident of descriptor hygiene. No userspace check can close it; the
  ``getrandom`` tier has no such window at all.
* Where ``os.pread`` exists (3.3+) we read with it at offset 0: a foreign
  regular file caught in the window is read without moving its offset, and
  a pipe, socket or terminal fails with ESPIPE instead of giving us (and
  taking from its owner) its data or blocking. On 2.7 plain ``read`` is used,
  and in that window a read may consume a foreign file's data (discarded).
* A number that fails the check is never closed by us: it belongs to whoever
  put something else there (``dup2`` closed our description already).
  EBADF, or any error, with a failed check means "not ours any more": reopen
  and retry, never an error to the caller. Reopening is serialised by a lock
  so threads open one new descriptor, not one each.
* ``_open_device`` checks the new number with ``fstat`` against a ``stat``
  of the path (a character device with the same device number, carrying
  our mark): a number closed and reused between ``open`` and ``fstat`` is
  left alone and the open retried, and ``NotImplementedError`` is raised
  only when the device really is missing or is not a character device.
* After ``fork`` the child keeps the inherited descriptor (the same
  description, mark included) and gets a fresh lock (``register_at_fork``,
  3.7+, or a process id check on older interpreters).

There is never a userspace generator to fall back to.
"""
from __future__ import absolute_import, division, print_function

import errno
import os
import stat
import sys
import threading

from . import _detect, _tier, _warn
from ._compat import exact_index
from ._typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from typing import Any, Callable, List, Optional, Tuple  # noqa: F401

    Opened = Tuple[int, int, int, int, bool]

DEVICE = "/dev/urandom"

# O_CLOEXEC: 3.3+ on Linux and the BSDs; older interpreters set FD_CLOEXEC
# with fcntl right after opening, which leaves a window only for a
# concurrent fork+exec in another thread.
_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
# O_APPEND is our mark on the open file description (see the docstring).
_MARK = getattr(os, "O_APPEND", 0)
# O_NOCTTY: every POSIX os module; absent on Windows, which never uses this.
_O_FLAGS = os.O_RDONLY | _O_CLOEXEC | _MARK | getattr(os, "O_NOCTTY", 0)

# Errors that mean there is no random device here at all, as opposed to a
# transient failure such as EMFILE that the caller should see as OSError.
_NO_DEVICE = (errno.ENOENT, errno.ENODEV, errno.ENXIO)

# os.pread: 3.3+ on POSIX (bpo-12020). See the docstring for why.
_pread = getattr(os, "pread", None)
_fstat = os.fstat
_os_read = os.read
# The most one read asks for: os.read on 2.7 takes a C int.
_CHUNK = 1 << 30

# Sizes above this make os.urandom raise OverflowError: the length plus the
# bytes object's header (33 bytes on 64-bit CPython 3, 37 on 2.7) must fit
# in a Py_ssize_t. A constant, because PyPy has no sys.getsizeof.
_MAX_BYTES = sys.maxsize - 64


def _check_n(n):
    # type: (Any) -> int
    """``n`` as an int, with os.urandom's exception types for bad values."""
    if type(n) is not int:
        n = exact_index(n)
    if n < 0:
        if n < -sys.maxsize - 1:  # what does not fit a C ssize_t overflows
            raise OverflowError("Python int too large to convert to C ssize_t")
        raise ValueError("negative argument not allowed")
    if n > _MAX_BYTES:
        raise OverflowError("byte string is too large")
    return int(n)


# -- getrandom --------------------------------------------------------------------

# getrandom's number where libc has no wrapper (glibc before 2.25), keyed by
# machine and pointer size: a 32-bit process on a 64-bit kernel uses the
# 32-bit numbers. Unknown pairs get no getrandom tier rather than a guess.
_SYS_GETRANDOM = {
    ("x86_64", 8): 318,
    ("x86_64", 4): 355,
    ("i386", 4): 355,
    ("i686", 4): 355,
    ("aarch64", 8): 278,
    ("aarch64", 4): 384,
    ("armv7l", 4): 384,
    ("armv6l", 4): 384,
    ("ppc64le", 8): 359,
    ("ppc64", 8): 359,
    ("s390x", 8): 349,
    ("riscv64", 8): 278,
}
_GRND_NONBLOCK = 1


# The largest request read straight into one ctypes buffer.
_GETRANDOM_CHUNK = 1 << 16


class _GetRandom(object):
    """getrandom(2) reached through ctypes, found by :func:`_load_getrandom`."""

    def __init__(self, ctypes, call, via):
        # type: (Any, Callable[[int, int, int], int], str) -> None
        self.ctypes = ctypes
        self.call = call
        self.via = via  # "libc" or "syscall", for tests and the report

    def read(self, n):
        # type: (int) -> bytes
        ctypes = self.ctypes
        if n <= _GETRANDOM_CHUNK:
            buf = ctypes.create_string_buffer(n)
            self._fill(ctypes.addressof(buf), n)
            return buf.raw  # type: ignore[no-any-return]
        # A large request's result is a Python object, so that a size that
        # cannot be had is Python's MemoryError (PyPy 7.3's ctypes aborts
        # the process after failing to allocate 2**62 bytes), filled through
        # one chunk-sized buffer.
        out = bytearray(n)
        chunk = ctypes.create_string_buffer(_GETRANDOM_CHUNK)
        base = ctypes.addressof(chunk)
        for start in range(0, n, _GETRANDOM_CHUNK):
            size = min(_GETRANDOM_CHUNK, n - start)
            self._fill(base, size)
            out[start:start + size] = chunk.raw[:size]
        return bytes(out)

    def _fill(self, base, n):
        # type: (int, int) -> None
        got = 0
        while got < n:
            # Flags 0: block until the pool is initialised, then never. A
            # request over 256 bytes can return short or fail with EINTR
            # when a signal arrives; handlers run between iterations.
            result = self.call(base + got, n - got, 0)
            if result > 0:
                got += result
                continue
            if result == 0:
                raise OSError(errno.EIO, "getrandom(2) returned no bytes")
            code = self.ctypes.get_errno()
            if code != errno.EINTR:
                raise OSError(code, os.strerror(code))


def _load_getrandom(use_syscall=False):
    # type: (bool) -> Optional[_GetRandom]
    """Find getrandom(2) and check that the kernel lets us call it."""
    if not sys.platform.startswith("linux"):
        return None  # the BSDs and macOS have getentropy, not this tier
    try:
        import ctypes
    except ImportError:  # built without _ctypes
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:  # statically linked interpreter without dlopen
        return None
    wrapper = None if use_syscall else getattr(libc, "getrandom", None)
    if wrapper is not None:
        wrapper.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint]
        wrapper.restype = ctypes.c_ssize_t
        call = wrapper  # type: Callable[[int, int, int], int]
        via = "libc"
    else:
        number = _SYS_GETRANDOM.get((os.uname()[4], ctypes.sizeof(ctypes.c_void_p)))
        syscall = getattr(libc, "syscall", None)
        if number is None or syscall is None:
            return None
        syscall.restype = ctypes.c_long
        c_long, c_void_p, c_size_t, c_uint = (
            ctypes.c_long, ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint)

        def call(address, size, flags):
            # type: (int, int, int) -> int
            # syscall(2) is variadic: every argument goes as its C type.
            return int(syscall(c_long(number), c_void_p(address),
                               c_size_t(size), c_uint(flags)))
        via = "syscall"
    probe = ctypes.create_string_buffer(1)
    while True:
        # GRND_NONBLOCK: the probe must not wait for the pool at boot;
        # EAGAIN says the call exists.
        result = call(ctypes.addressof(probe), 1, _GRND_NONBLOCK)
        if result == 1:
            break
        if result < 0 and ctypes.get_errno() == errno.EINTR:
            continue
        if result < 0 and ctypes.get_errno() == errno.EAGAIN:
            break
        # ENOSYS (before Linux 3.17), EPERM (seccomp), or a result that
        # getrandom would never give.
        return None
    return _GetRandom(ctypes, call, via)


_getrandom_lock = threading.Lock()
_getrandom = []  # type: List[Optional[_GetRandom]]


def getrandom_backend():
    # type: () -> Optional[_GetRandom]
    """getrandom(2) through ctypes, or None where the kernel refuses it;
    probed once per process."""
    if not _getrandom:
        with _getrandom_lock:
            if not _getrandom:
                _getrandom.append(_load_getrandom())
    return _getrandom[0]


def getrandom_urandom(n):
    # type: (int) -> bytes
    """Return a bytes object of ``n`` random bytes suitable for cryptographic use.

    secureshim's ``getrandom`` tier: getrandom(2) through ctypes, with no
    descriptor that other code could close or replace. On interpreters
    whose ``os.urandom`` opens /dev/urandom on every call (before 2.7.9) this
    is the tier ``urandom`` uses where the kernel has getrandom (Linux
    3.17+); it raises ``NotImplementedError`` where it does not.
    """
    if _first_use:
        _warn.fire(_first_use)
    n = _check_n(n)
    if n == 0:
        return b""
    backend = _getrandom[0] if _getrandom else getrandom_backend()
    if backend is None:
        raise NotImplementedError("getrandom(2) is not available here")
    return backend.read(n)


# -- fd ---------------------------------------------------------------------------


def _set_cloexec(fd):
    # type: (int) -> None
    import fcntl

    flags = fcntl.fcntl(fd, fcntl.F_GETFD)
    fcntl.fcntl(fd, fcntl.F_SETFD, flags | fcntl.FD_CLOEXEC)


def _no_fcntl(fd, op):
    # type: (int, int) -> int
    return 0


# fcntl raises IOError on 2.7, which is OSError itself on 3.3+.
_FD_ERRORS = (OSError, IOError)
try:
    import fcntl
except ImportError:  # no fcntl (Windows, which has no fd tier): no mark
    _MARK = 0
    _fcntl = _no_fcntl  # type: Callable[[int, int], int]
    _F_GETFL = 0
else:
    _fcntl = fcntl.fcntl
    _F_GETFL = fcntl.F_GETFL

# (fd, st_dev, st_ino, mark, pread) of no descriptor: every check fails.
_CLOSED = (-1, -1, -1, 0, False)  # type: Opened


def _device_number():
    # type: () -> int
    """The device number (st_rdev) of the character device at DEVICE."""
    try:
        st = os.stat(DEVICE)
    except OSError as exc:
        if exc.errno in _NO_DEVICE:
            raise NotImplementedError("%s not found: %s" % (DEVICE, exc))
        raise
    if not stat.S_ISCHR(st.st_mode):
        raise NotImplementedError(
            "%s is not a character device; refusing to read it" % DEVICE
        )
    return st.st_rdev


def _open_device():
    # type: () -> Opened
    """Open the device; return what the checks compare against."""
    unmarked = 0
    while True:
        rdev = _device_number()
        try:
            fd = os.open(DEVICE, _O_FLAGS)
        except OSError as exc:
            if exc.errno in _NO_DEVICE:
                raise NotImplementedError("%s not found: %s" % (DEVICE, exc))
            raise
        try:
            if not _O_CLOEXEC:
                _set_cloexec(fd)
            st = _fstat(fd)
            mark = _MARK and (_fcntl(fd, _F_GETFL) & _MARK)
        except _FD_ERRORS:
            continue  # closed behind our back already: not ours to close
        if not stat.S_ISCHR(st.st_mode) or st.st_rdev != rdev:
            # Another thread closed the number and reused it before our
            # fstat: it is theirs now. Open again.
            continue
        if _MARK and not mark and unmarked < 8:
            # The device, but without our mark: a foreign open of it took
            # the number. Should a platform drop O_APPEND on devices, the
            # ninth such open is used unmarked (then fstat alone checks).
            unmarked += 1
            continue
        break
    pread = False
    if _pread is not None:
        try:
            pread = len(_pread(fd, 1, 0)) == 1
        except OSError:  # a device that cannot pread: plain read
            pass
    return fd, st.st_dev, st.st_ino, mark, pread


class _Descriptor(object):
    """One process's /dev/urandom descriptor and what it must refer to."""

    def __init__(self, opened=_CLOSED):
        # type: (Opened) -> None
        self.lock = threading.Lock()
        self.pid = os.getpid()
        # Replaced as a whole so that readers never see a descriptor paired
        # with another's identity; its identity is also the generation.
        self.opened = opened

    def reopen(self, seen):
        # type: (Opened) -> None
        """Replace ``seen``, which failed a check, unless another thread has."""
        with self.lock:
            if self.opened is not seen:
                return
            # Before open(2): a reader whose check sees the new description
            # at an old number then also sees that the state moved on.
            self.opened = _CLOSED
            self.opened = _open_device()

    def read(self, n):
        # type: (int) -> bytes
        if n > _CHUNK:
            return self._read_large(n)
        chunks = []  # type: List[bytes]
        while n > 0:
            opened = self.opened
            fd, dev, ino, mark, pread = opened
            # Before: never read from a number that is not the device.
            try:
                st = _fstat(fd)
            except OSError:
                st = None  # closed behind our back
            if st is None or st.st_ino != ino or st.st_dev != dev:
                self.reopen(opened)
                continue
            failure = None
            try:
                chunk = _pread(fd, n, 0) if pread else _os_read(fd, n)  # type: ignore[misc]
            except OSError as exc:
                chunk, failure = b"", exc
            # After, kernel first, state second (see reopen): were the bytes
            # ours from start to end? Inline: this is every call's cost.
            try:
                st = _fstat(fd)
                flags = _fcntl(fd, _F_GETFL)
            except _FD_ERRORS:
                st = None
            if (st is None or st.st_ino != ino or st.st_dev != dev
                    or flags & mark != mark or self.opened is not opened):
                self.reopen(opened)
                continue
            if failure is not None:
                if failure.errno == errno.EINTR:  # 2.7 does not retry EINTR
                    continue
                raise failure
            if not chunk:
                raise OSError(errno.EIO, "unexpected end of file on %s" % DEVICE)
            chunks.append(chunk)
            n -= len(chunk)
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)

    def _read_large(self, n):
        # type: (int) -> bytes
        # Allocated first, so that an impossible size is a MemoryError at
        # once, as in os.urandom; filled in pieces that os.read takes on 2.7.
        result = bytearray(n)
        done = 0
        while done < n:
            chunk = self.read(min(n - done, _CHUNK))
            result[done:done + len(chunk)] = chunk
            done += len(chunk)
        return bytes(result)


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


def fd_urandom(n):
    # type: (int) -> bytes
    """Return a bytes object of ``n`` random bytes suitable for cryptographic use.

    secureshim's ``fd`` tier: reads /dev/urandom through one descriptor kept
    open for the life of the process; a descriptor that other code closed or
    replaced is reopened, and bytes read while it was not ours are thrown
    away (the module docstring says exactly what is guaranteed). Raises
    ``NotImplementedError`` where there is no /dev/urandom, like
    ``os.urandom``; never falls back to a userspace generator.
    """
    if _first_use:
        _warn.fire(_first_use)
    n = _check_n(n)
    if n == 0:
        return b""
    state = _state
    if not _AT_FORK and state.pid != os.getpid():
        _fresh_state_in_child()
        state = _state
    return state.read(n)


# -- choice -----------------------------------------------------------------------

# Filled when the chosen tier is weaker than another that runs here (only
# when SECURESHIM_FORCE selects it); its first call then warns.
_first_use = _warn.pending("urandom")


def _getrandom_runs():
    # type: () -> bool
    # Probes the kernel (and imports ctypes): only when the choice gets
    # this far down, never at import.
    return getrandom_backend() is not None


def _order():
    # type: () -> Tuple[_tier.Tier, ...]
    # os.urandom is the best tier where it is C code (2.7.9+, 3.4+); before,
    # it is Python code that opens /dev/urandom on every call, the last
    # resort after getrandom(2) and the kept descriptor.
    if _detect.URANDOM_IS_C:
        return (_NATIVE, _GETRANDOM, _FD)
    return (_GETRANDOM, _FD, _NATIVE)


def _diagnostics():
    # type: () -> Any
    from . import _diagnostics

    return _diagnostics


_NATIVE = _tier.Tier(
    "native",
    probe=_tier.always,
    bind=lambda: os.urandom,
    what="os.urandom",
    why=lambda: (
        "os.urandom is C code (%s)" % _diagnostics().urandom_source()["source"]
        if _detect.URANDOM_IS_C
        else "os.urandom opens /dev/urandom on every call (before 2.7.9)"
    ),
    weakness="os.urandom here opens /dev/urandom on every call and fails when "
    "the process runs out of descriptors",
    # os.urandom cannot warn: the chooser wraps it when it is forced.
    fires=False,
)
_GETRANDOM = _tier.Tier(
    "getrandom",
    probe=_getrandom_runs,
    bind=lambda: getrandom_urandom,
    what="getrandom(2) called by secureshim through ctypes",
    why="secureshim calls getrandom(2) through ctypes: no descriptor to close "
    "or replace",
    weakness="it calls getrandom(2) through ctypes, several times slower than "
    "os.urandom's C code here",
)
_FD = _tier.Tier(
    "fd",
    probe=lambda: _detect.HAS_DEV_URANDOM,
    bind=lambda: fd_urandom,
    what="secureshim's persistent /dev/urandom descriptor",
    why="secureshim keeps one /dev/urandom descriptor open and checks it "
    "before and after each read",
    weakness="it reads /dev/urandom, which unlike getrandom(2) does not wait "
    "for the kernel's pool to be initialised early in boot",
)

PRIMITIVE = _tier.Primitive("urandom", (_NATIVE, _GETRANDOM, _FD), order=_order)
