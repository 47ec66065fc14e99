"""urandom: every tier against os.urandom, the fd tier's robustness and the
getrandom tier's probe, in subprocesses where state matters."""
from __future__ import absolute_import, division, print_function

import ctypes
import errno
import os
import platform
import signal
import sys
import threading
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import secureshim
from secureshim import _urandom
from secureshim._urandom import fd_urandom, getrandom_urandom

from .conftest import block_imports, run_python

posix_only = pytest.mark.skipif(
    not os.path.exists("/dev/urandom"), reason="no /dev/urandom on this platform"
)
needs_proc_fd = pytest.mark.skipif(
    not os.path.isdir("/proc/self/fd"), reason="no /proc/self/fd to count descriptors"
)
_GETRANDOM = _urandom.getrandom_backend()
needs_getrandom = pytest.mark.skipif(
    _GETRANDOM is None, reason="the kernel (or seccomp) refuses getrandom(2) here"
)


def _syscall_getrandom(n):
    # The syscall(2) path, used where libc has no getrandom wrapper.
    backend = _urandom._load_getrandom(use_syscall=True)
    assert backend is not None and backend.via == "syscall"
    return backend.read(n) if n else b""


TIERS = [
    pytest.param(os.urandom, id="native"),
    pytest.param(fd_urandom, id="fd", marks=posix_only),
    pytest.param(getrandom_urandom, id="getrandom", marks=needs_getrandom),
    pytest.param(_syscall_getrandom, id="getrandom-syscall", marks=needs_getrandom),
]


@pytest.mark.parametrize("func", TIERS)
@pytest.mark.parametrize("n", [0, 1, 16, 255, 256, 257, 4096, 100000, 1 << 25])
def test_returns_n_bytes(func, n):
    data = func(n)
    assert isinstance(data, bytes)
    assert len(data) == n


@pytest.mark.parametrize("func", TIERS[1:])
@settings(max_examples=200, deadline=None)
@given(n=st.integers(min_value=0, max_value=5000))
def test_any_length_gives_that_many_bytes(func, n):
    data = func(n)
    assert type(data) is bytes and len(data) == n


@pytest.mark.parametrize("func", TIERS[1:])
def test_outputs_do_not_repeat_and_cover_every_byte(func):
    # A tier that returned an untouched buffer (zeros) or a file would fail.
    seen = set(func(16) for _ in range(2000))
    assert len(seen) == 2000
    assert len(set(bytearray(func(65536)))) == 256


def _outcome(func, n):
    try:
        return len(func(n))
    except Exception as exc:  # noqa: BLE001 - the type is what we compare
        return type(exc)


# What CPython's os.urandom (C, 2.7.9+ and 3.x) does with each n: the
# ssize_t conversion first (OverflowError), then the sign (ValueError),
# then the allocation. secureshim's own tiers follow CPython everywhere;
# PyPy's os.urandom checks the sign first and fails the allocation with
# MemoryError (tests/deviations.py), so there the tiers are held to this.
# The bounds are ssize_t's, 32 bits on wasm32 (Pyodide).
BAD_N = [
    (-1, ValueError), (-sys.maxsize - 1, ValueError), (-sys.maxsize - 2, OverflowError),
    (-2 ** 70, OverflowError), (1.5, TypeError), ("3", TypeError), (None, TypeError),
    (b"4", TypeError), (2 ** 70, OverflowError), (True, 1), (sys.maxsize, OverflowError),
]
if sys.maxsize > 2 ** 32:
    # A size that fits ssize_t but no memory; on 32 bits any such size is
    # one a WebAssembly heap may really hold, so there is none to test.
    BAD_N.append(((sys.maxsize + 1) // 4, MemoryError))


@pytest.mark.parametrize("func", TIERS[1:3])
@pytest.mark.parametrize("n, cpython", BAD_N, ids=[repr(n) for n, _ in BAD_N])
def test_bad_n_raises_like_os_urandom(func, n, cpython):
    if platform.python_implementation() == "CPython":
        assert _outcome(os.urandom, n) == cpython  # the table is CPython's
    assert _outcome(func, n) == cpython


@needs_getrandom
def test_getrandom_loop_assembles_short_reads_and_retries_eintr():
    # What the kernel does for requests over 256 bytes when a signal comes:
    # a short count, or -1 with EINTR. The loop must fill the whole buffer.
    script = [(-1, errno.EINTR), (3, 0), (-1, errno.EINTR), (5, 0), (2, 0)]
    calls = []

    def call(address, size, flags):
        result, code = script[len(calls)]
        calls.append((size, flags))
        if result < 0:
            ctypes.set_errno(code)
            return result
        ctypes.memset(address, 0x41 + len(calls), result)
        return result

    backend = _urandom._GetRandom(ctypes, call, "test")
    assert backend.read(10) == b"CCCEEEEEFF"
    assert calls == [(10, 0), (10, 0), (7, 0), (7, 0), (2, 0)]


@needs_getrandom
def test_getrandom_error_is_raised_as_oserror():
    def call(address, size, flags):
        ctypes.set_errno(errno.EFAULT)
        return -1

    with pytest.raises(OSError) as info:
        _urandom._GetRandom(ctypes, call, "test").read(4)
    assert info.value.errno == errno.EFAULT


@needs_getrandom
def test_kernel_refusal_means_no_getrandom_tier(monkeypatch):
    # A number the kernel does not know answers ENOSYS, as getrandom's own
    # does before Linux 3.17 (seccomp filters answer EPERM the same way).
    machine = os.uname()[4]
    size = ctypes.sizeof(ctypes.c_void_p)
    monkeypatch.setitem(_urandom._SYS_GETRANDOM, (machine, size), 99999)
    assert _urandom._load_getrandom(use_syscall=True) is None
    monkeypatch.delitem(_urandom._SYS_GETRANDOM, (machine, size))
    assert _urandom._load_getrandom(use_syscall=True) is None


def test_import_probes_nothing_and_needs_no_ctypes():
    # ctypes blocked: importing and using secureshim's urandom (native here)
    # must not need it, and getrandom must not have been probed.
    result = run_python(
        """
        import os, secureshim
        from secureshim import _urandom
        assert len(secureshim.urandom(8)) == 8
        print("%s %s" % (secureshim.backends()["urandom"], _urandom._getrandom))
        """,
        prelude=block_imports("ctypes"),
    ).check()
    assert result.out.split()[0] == "native"
    assert result.out.strip().endswith("[]")


@posix_only
def test_forcing_the_fd_tier_probes_no_tier_in_between():
    # The chooser probes the best tier and the forced one: getrandom, whose
    # probe would import ctypes (blocked here) and ask the kernel, is never
    # asked.
    result = run_python(
        """
        import secureshim
        from secureshim import _urandom
        assert len(secureshim.urandom(8)) == 8
        print("%s %s" % (secureshim.backends()["urandom"], _urandom._getrandom))
        """,
        env={"SECURESHIM_FORCE": "urandom=fd", "PYTHONWARNINGS": "ignore"},
        prelude=block_imports("ctypes"),
    ).check()
    assert result.out.split() == ["fd", "[]"]


@needs_getrandom
def test_before_2_7_9_getrandom_is_chosen_at_first_use():
    # Emulated 2.7.8: os.urandom is Python code; the tier is decided by the
    # probe, at first use (or backends()), not at import.
    result = run_python(
        """
        import os, sys
        def old_urandom(n):
            with open("/dev/urandom", "rb") as f:
                return f.read(n)
        os.urandom = old_urandom
        import secureshim
        from secureshim import _urandom, _detect
        before = (_detect.CHOSEN.get("urandom"), _urandom._getrandom == [])
        assert len(secureshim.urandom(32)) == 32
        print("%s %s %s" % (before, _detect.CHOSEN["urandom"], secureshim.backends()["urandom"]))
        """
    ).check()
    assert result.out.strip() == "(None, True) getrandom getrandom"


def test_forcing_getrandom_where_it_cannot_run_fails_at_import():
    # Without ctypes there is no way to call getrandom(2).
    result = run_python(
        "import secureshim",
        env={"SECURESHIM_FORCE": "urandom=getrandom"},
        prelude=block_imports("ctypes"),
    )
    assert result.returncode != 0
    assert "ValueError" in result.err and "urandom=getrandom" in result.err


def test_public_name_matches_backends():
    tier = secureshim.backends()["urandom"]
    if tier == "fd":
        assert secureshim.urandom is fd_urandom
    elif tier == "getrandom":
        assert secureshim.urandom is getrandom_urandom
    elif _urandom.PRIMITIVE.choose().message:  # native forced over a better tier
        assert secureshim.urandom is _urandom.PRIMITIVE.choose().value
        assert secureshim.urandom is not os.urandom
    else:
        assert secureshim.urandom is os.urandom


def _pipe_state(read_end):
    """A tier state reading a pipe (recording the pipe's own identity, no
    mark, plain read) so that reads can be short or interrupted."""
    st = os.fstat(read_end)
    return _urandom._Descriptor((read_end, st.st_dev, st.st_ino, 0, False))


@posix_only
def test_short_reads_are_assembled():
    read_end, write_end = os.pipe()

    def writer():
        for i in range(10):
            os.write(write_end, bytes(bytearray([i])) * 3)
            time.sleep(0.01)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        data = _pipe_state(read_end).read(30)
    finally:
        thread.join()
        os.close(read_end)
        os.close(write_end)
    assert data == b"".join(bytes(bytearray([i])) * 3 for i in range(10))


def _read_interrupted(read, write_end, payload):
    """Call ``read()`` while it blocks on an empty pipe, interrupt it with
    SIGALRM, then let the payload arrive; return (signal fired, data)."""
    fired = []
    old = signal.signal(signal.SIGALRM, lambda signum, frame: fired.append(signum))
    # Without SA_RESTART a blocked read(2) fails with EINTR on 2.7; 3.5+
    # retries it itself (PEP 475). Either way the caller must get the data.
    signal.siginterrupt(signal.SIGALRM, True)
    timer = threading.Timer(0.3, lambda: os.write(write_end, payload))
    timer.start()
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.05)
        data = read()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
        timer.join()
    return bool(fired), data


@posix_only
@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="no signal.setitimer")
def test_read_survives_eintr():
    read_end, write_end = os.pipe()
    try:
        fired, data = _read_interrupted(
            lambda: _pipe_state(read_end).read(8), write_end, b"x" * 8
        )
    finally:
        os.close(read_end)
        os.close(write_end)
    assert fired and data == b"x" * 8


@posix_only
def test_missing_device_raises_not_implemented():
    run_python(
        """
        from secureshim import _urandom
        _urandom.DEVICE = "/nonexistent/urandom"
        try:
            _urandom.fd_urandom(4)
        except NotImplementedError as exc:
            assert "/nonexistent/urandom" in str(exc)
        else:
            raise AssertionError("no NotImplementedError")
        """
    ).check()


@posix_only
def test_regular_file_as_device_is_refused(tmp_path):
    fake = tmp_path / "urandom"
    fake.write_bytes(b"\x00" * 64)
    run_python(
        """
        import sys
        from secureshim import _urandom
        _urandom.DEVICE = sys.argv[1]
        try:
            _urandom.fd_urandom(4)
        except NotImplementedError as exc:
            assert "character device" in str(exc)
        else:
            raise AssertionError("read a regular file as /dev/urandom")
        """,
        args=[str(fake)],
    ).check()


@posix_only
def test_descriptor_closed_behind_its_back():
    run_python(
        """
        import os
        from secureshim import _urandom
        assert len(_urandom.fd_urandom(16)) == 16
        os.closerange(3, 1024)
        assert len(_urandom.fd_urandom(16)) == 16
        assert _urandom._state.opened[0] >= 0
        """
    ).check()


@posix_only
def test_descriptor_replaced_by_regular_file_is_never_read_nor_closed(tmp_path):
    path = tmp_path / "plain"
    path.write_bytes(b"A" * 100000)
    run_python(
        """
        import os, sys
        from secureshim import _urandom
        _urandom.fd_urandom(16)
        fd = _urandom._state.opened[0]
        plain = os.open(sys.argv[1], os.O_RDONLY)
        os.dup2(plain, fd)  # the number now refers to someone else's file
        data = _urandom.fd_urandom(4096)
        assert len(data) == 4096 and b"AAAAAAAA" not in data, data[:16]
        assert _urandom._state.opened[0] != fd
        # The replaced descriptor still belongs to its new owner.
        assert os.read(fd, 4) == b"AAAA"
        """,
        args=[str(path)],
    ).check()


@posix_only
@pytest.mark.skipif(not hasattr(os, "fork"), reason="no os.fork on this platform")
def test_fork_child_works_and_differs_from_parent():
    result = run_python(
        """
        import os
        from secureshim import _urandom
        _urandom.fd_urandom(8)
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            try:
                os.write(w, _urandom.fd_urandom(32))
            finally:
                os._exit(0)
        os.close(w)
        child = b""
        while len(child) < 32:
            chunk = os.read(r, 32)
            if not chunk:
                break
            child += chunk
        os.waitpid(pid, 0)
        parent = _urandom.fd_urandom(32)
        assert len(child) == 32, child
        assert child != parent
        print("ok")
        """
    ).check()
    assert result.out.strip() == "ok"


@posix_only
def test_threads_share_one_descriptor():
    run_python(
        """
        import os, threading
        from secureshim import _urandom
        before = set(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else None
        results, errors = [], []
        start = threading.Event()
        def work():
            start.wait()
            try:
                for _ in range(1000):
                    results.append(_urandom.fd_urandom(16))
            except Exception as exc:
                errors.append(exc)
        threads = [threading.Thread(target=work) for _ in range(8)]
        for t in threads: t.start()
        start.set()
        for t in threads: t.join()
        assert not errors, errors
        assert len(results) == 8000 and len(set(results)) == 8000
        if before is not None:
            after = set(os.listdir("/proc/self/fd"))
            assert len(after - before) == 1, after - before
        """
    ).check()


@posix_only
def test_exec_child_does_not_inherit_the_descriptor():
    run_python(
        """
        import os, subprocess, sys
        from secureshim import _urandom
        _urandom.fd_urandom(4)
        fd = _urandom._state.opened[0]
        code = "import os, sys\\ntry:\\n os.fstat(%d)\\nexcept OSError:\\n sys.exit(0)\\nsys.exit(1)" % fd
        assert subprocess.call([sys.executable, "-c", code], close_fds=False) == 0
        """
    ).check()


@posix_only
@needs_proc_fd
def test_no_descriptor_leak_over_many_calls():
    run_python(
        """
        import os
        from secureshim import _urandom
        _urandom.fd_urandom(1)
        before = len(os.listdir("/proc/self/fd"))
        for _ in range(10000):
            _urandom.fd_urandom(16)
        assert len(os.listdir("/proc/self/fd")) == before
        """
    ).check()


@posix_only
def test_descriptor_closed_repeatedly_under_threads_never_deadlocks():
    # A closer thread keeps closing whatever descriptor the tier holds while
    # readers reopen it; every reader must keep making progress.
    result = run_python(
        """
        import os, sys, threading, time
        from secureshim import _urandom
        _urandom.fd_urandom(4)
        stop = []
        errors = []
        done = [0, 0, 0, 0]
        # No reader ends while the closer runs: a thread's end can make the
        # C library open a file (3.7's pthread_exit dlopens libgcc_s.so.1),
        # whose number the closer would close under it.
        closer_done = threading.Event()
        def closer():
            try:
                while not stop:
                    try:
                        os.close(_urandom._state.opened[0])
                    except OSError:
                        pass
            finally:
                closer_done.set()
        def work(i):
            while not stop:
                try:
                    _urandom.fd_urandom(16)
                except Exception as exc:
                    errors.append(exc)  # a closed descriptor is reopened
                done[i] += 1
            closer_done.wait()
        threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
        threads.append(threading.Thread(target=closer))
        for t in threads:
            t.daemon = True
            t.start()
        time.sleep(1.0)
        before = list(done)
        # Each reader must move within 3 s; PyPy's GIL can leave one thread
        # waiting for half a second while the others run.
        deadline = time.time() + 3.0
        time.sleep(0.5)
        while (not all(a > b for a, b in zip(done, before))
               and time.time() < deadline):
            time.sleep(0.05)
        after = list(done)
        # Stop the closer before anything else runs: it closes whatever
        # number the tier last held, which other code (the dynamic loader
        # at shutdown) may be using by now.
        stop.append(True)
        for t in threads:
            t.join(5)
        alive = [t for t in threads if t.is_alive()]
        progressed = all(a > b for a, b in zip(after, before))
        if progressed and not alive and not errors:
            print("ok")
        else:
            print("stuck %r %r %r" % (before, after, errors[:3]))
        sys.stdout.flush()
        os._exit(0)
        """
    )
    assert result.returncode == 0 and result.out.strip() == "ok", result.err


@posix_only
@pytest.mark.skipif(not hasattr(os, "fork"), reason="no os.fork on this platform")
def test_fork_while_another_thread_holds_the_lock():
    # The child must not inherit a lock that no thread of its own will ever
    # release.
    result = run_python(
        """
        import os, threading, time
        from secureshim import _urandom
        _urandom.fd_urandom(4)
        held, release = threading.Event(), threading.Event()
        def hold():
            with _urandom._state.lock:
                held.set()
                release.wait()
        t = threading.Thread(target=hold)
        t.start()
        held.wait()
        os.close(_urandom._state.opened[0])  # force the child's slow path
        pid = os.fork()
        if pid == 0:
            import signal
            signal.alarm(5)  # a deadlock ends the child, failing the test
            code = 0 if len(_urandom.fd_urandom(8)) == 8 else 1
            os._exit(code)
        _, status = os.waitpid(pid, 0)
        release.set()
        t.join()
        print(os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0)
        """
    ).check()
    assert result.out.strip() == "True"


@posix_only
@pytest.mark.skipif(not hasattr(os, "fork"), reason="no os.fork on this platform")
def test_process_id_check_used_without_register_at_fork():
    # 2.7 and 3.6 have no os.register_at_fork; emulate them on 3.7+ too.
    result = run_python(
        """
        import os
        from secureshim import _urandom
        _urandom._AT_FORK = False
        _urandom.fd_urandom(4)
        parent_state = _urandom._state
        pid = os.fork()
        if pid == 0:
            _urandom.fd_urandom(4)
            os._exit(0 if _urandom._state is not parent_state else 1)
        _, status = os.waitpid(pid, 0)
        print(os.WEXITSTATUS(status) == 0 and _urandom._state is parent_state)
        """
    ).check()
    assert result.out.strip() == "True"


@posix_only
@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="no signal.setitimer")
def test_fd_urandom_read_survives_eintr():
    # Point the tier at a pipe so that its read blocks and a signal can
    # interrupt it.
    read_end, write_end = os.pipe()
    saved = _urandom._state
    _urandom._state = _pipe_state(read_end)
    try:
        fired, data = _read_interrupted(
            lambda: fd_urandom(8), write_end, b"y" * 8
        )
    finally:
        _urandom._state = saved
        os.close(read_end)
        os.close(write_end)
    assert fired and data == b"y" * 8
