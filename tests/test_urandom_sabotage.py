"""urandom under a second thread that works against it (issue #11).

Readers call ``secureshim.urandom`` with one tier forced, in a fresh
interpreter, while a saboteur keeps doing to the fd tier's descriptor what
other code in a process may do: ``dup2`` a regular file over it, close it
and open a file that takes its number, ``os.closerange`` over it, and swap
a foreign /dev/urandom description in after a file (the ABA case). No chunk
may contain the file's bytes, and no call may raise.
"""
from __future__ import absolute_import, division, print_function

import json

import pytest

from .conftest import run_python
from .test_urandom import needs_getrandom, posix_only

# 16 bytes tiled: any read of 31 or more bytes from the file contains it
# whole, and the chance that 64 random bytes do is 49 / 2**128.
MARKER = b"\x8fSABOTAGE\x00\xfe\x13MARK\x7f"
SECONDS = 1.5


SABOTAGE = r"""
import json, os, sys, threading, time

# sys.setswitchinterval: 3.2+; 2.7 counts bytecodes instead. Switching as
# often as possible puts a switch between any two of the tier's steps.
if hasattr(sys, "setswitchinterval"):
    sys.setswitchinterval(1e-6)
else:
    sys.setcheckinterval(1)

import secureshim
from secureshim import _urandom

path, seconds, marker = sys.argv[1], float(sys.argv[2]), sys.argv[3]
marker = bytes(bytearray(int(marker[i:i + 2], 16) for i in range(0, len(marker), 2)))
plain = os.open(path, os.O_RDONLY)
foreign = os.open("/dev/urandom", os.O_RDONLY)  # not carrying the tier's mark
read = secureshim.urandom
read(16)

READERS = 16
stop = []
bad, errors = [], []
counts = [0] * READERS
# threading.Barrier: 3.2+. Readers start together either way.
go = threading.Event()
# No reader may end while the saboteur still runs: a thread's end can make
# the C library open files (3.7's pthread_exit dlopens libgcc_s.so.1 the
# first time), and the saboteur closes or replaces whatever has a number it
# aims at, which made glibc abort the process in one CI run. That is the
# saboteur breaking libc, not secureshim, so it stops before any thread ends.
sabotage_over = threading.Event()


def reader(i):
    go.wait()
    while not stop:
        try:
            data = read(64)
        except BaseException as exc:  # any exception is a failure here
            errors.append(repr(exc))
            continue
        if len(data) != 64:
            errors.append("short: %d" % len(data))
        if marker in data:
            bad.append(data)
        counts[i] += 1
    sabotage_over.wait()


def sabotage(ops):
    go.wait()
    owned = []  # numbers the saboteur put something on: its own to close
    spare = [n for n in range(3, 12) if n not in (plain, foreign)]
    k = 0
    while not stop:
        fd = _urandom._state.opened[0]
        if fd < 3:  # nothing open (the getrandom tier): hit nearby numbers
            fd = spare[k % len(spare)]
        op = k % 4
        k += 1
        try:
            os.lseek(plain, 0, os.SEEK_SET)
            if op == 0:
                os.dup2(plain, fd)
                owned.append(fd)
            elif op == 1:
                os.close(fd)
                owned.append(os.open(path, os.O_RDONLY))  # takes the number
            elif op == 2:
                os.closerange(fd, fd + 1)
            else:
                os.dup2(plain, fd)
                os.dup2(foreign, fd)  # back to a /dev/urandom description
                owned.append(fd)
        except OSError:
            pass
        while len(owned) > 4:
            try:
                os.close(owned.pop(0))
            except OSError:
                pass
        ops[0] += 1


def saboteur(ops):
    try:
        sabotage(ops)
    finally:
        sabotage_over.set()


ops = [0]
threads = [threading.Thread(target=reader, args=(i,)) for i in range(READERS)]
threads.append(threading.Thread(target=saboteur, args=(ops,)))
for t in threads:
    t.daemon = True
    t.start()
go.set()
deadline = time.time() + 4 * seconds
time.sleep(seconds)
# A slow runtime (PyPy's ctypes calls) gets more time, at most four times
# as much, to make the reads the test asks for.
while sum(counts) <= 1000 and time.time() < deadline:
    time.sleep(0.05)
# Stop the saboteur before anything else runs: it closes numbers that other
# code (the dynamic loader at shutdown) may be using by now.
stop.append(True)
for t in threads:
    t.join(10)
result = {
    "tier": secureshim.backends()["urandom"],
    "alive": sum(t.is_alive() for t in threads),
    "bad": len(bad),
    "sample": bad[0].hex() if bad and hasattr(bad[0], "hex") else None,
    "errors": sorted(set(errors))[:5],
    "nerrors": len(errors),
    "counts": counts,
    "ops": ops[0],
}
sys.stdout.write(json.dumps(result) + "\n")
sys.stdout.flush()
os._exit(0)
"""


@posix_only
@pytest.mark.parametrize("tier", ["fd", pytest.param("getrandom", marks=needs_getrandom)])
def test_no_foreign_bytes_and_no_errors_under_sabotage(tier, tmp_path):
    path = tmp_path / "plain"
    path.write_bytes(MARKER * 65536)  # 1 MiB: os.read on 2.7 moves the offset
    result = run_python(
        SABOTAGE,
        args=[str(path), str(SECONDS), "".join("%02x" % b for b in bytearray(MARKER))],
        env={"SECURESHIM_FORCE": "urandom=" + tier, "PYTHONWARNINGS": "ignore"},
    )
    assert result.returncode == 0, result.err
    out = json.loads(result.out.strip().splitlines()[-1])
    assert out["tier"] == tier
    assert out["alive"] == 0, out
    # The saboteur really worked, the readers made progress, and none hung
    # (one reader may get no turn at all on a loaded machine).
    assert out["ops"] > 100, out
    assert sum(out["counts"]) > 1000, out
    assert out["bad"] == 0, out
    assert out["nerrors"] == 0, out


# Deterministic forms of the windows above: the tier's read function is
# wrapped so that "another thread" acts exactly inside the read, between
# the tier's check before and its check after.
WINDOW = r"""
import os, sys
from secureshim import _urandom

path = sys.argv[1]
case = sys.argv[2]
plain = os.open(path, os.O_RDONLY)
_urandom.fd_urandom(16)
state = _urandom._state
fd = state.opened[0]
name = "_pread" if state.opened[4] else "_os_read"
real = getattr(_urandom, name)
calls = []


def during_read(*args):
    calls.append(args[0])
    if len(calls) == 1:
        os.dup2(plain, fd)  # the read lands on a regular file...
        data = real(*args)
        if case == "foreign":
            # ...then a foreign /dev/urandom description takes the number.
            foreign = os.open("/dev/urandom", os.O_RDONLY)
            os.dup2(foreign, fd)
            os.close(foreign)
        else:
            # ...then the number is closed and our own reopen (in "another
            # thread") gets the same number back.
            os.close(fd)
            state.reopen(state.opened)
            assert state.opened[0] == fd, (state.opened, fd)
        return data
    return real(*args)


setattr(_urandom, name, during_read)
data = _urandom.fd_urandom(64)
setattr(_urandom, name, real)
assert len(data) == 64
assert open(path, "rb").read(16) not in data, "returned the file's bytes"
assert len(calls) >= 2, "the bytes of the first read were not discarded"
if case == "foreign":
    # Not ours: never closed by the tier, still the foreign description.
    os.fstat(fd)
    assert state.opened[0] != fd
print("ok")
"""


@posix_only
@pytest.mark.parametrize("case", ["foreign", "own-reopen"])
def test_read_window_aba_is_discarded(case, tmp_path):
    # "foreign": the mark on our description tells a foreign open of
    # /dev/urandom from ours (fstat alone sees the same inode).
    # "own-reopen": our own reopen onto the old number is seen through the
    # state's generation.
    path = tmp_path / "plain"
    path.write_bytes(MARKER * 64)
    result = run_python(WINDOW, args=[str(path), case]).check()
    assert result.out.strip() == "ok"


@posix_only
@pytest.mark.parametrize("what", ["plain", "device"])
def test_number_reused_between_open_and_fstat_is_left_alone(what, tmp_path):
    # Another thread closes the number the tier just opened and puts a
    # regular file, or its own open of /dev/urandom (without our mark),
    # there before the tier's fstat: the tier must open again, leave that
    # number alone, and never raise NotImplementedError.
    path = tmp_path / "plain"
    path.write_bytes(MARKER * 64)
    result = run_python(
        r"""
        import os, sys
        from secureshim import _urandom
        what = sys.argv[2]
        theirs = os.open(sys.argv[1] if what == "plain" else "/dev/urandom", os.O_RDONLY)
        real = _urandom._fstat
        hit = []
        def fstat(fd):
            if fd >= 0 and not hit:
                hit.append(fd)
                os.dup2(theirs, fd)
            return real(fd)
        _urandom._fstat = fstat
        data = _urandom.fd_urandom(64)
        _urandom._fstat = real
        assert len(data) == 64 and b"SABOTAGE" not in data
        assert _urandom._state.opened[0] != hit[0]
        assert _urandom._state.opened[3] == os.O_APPEND  # ours is marked
        if what == "plain":  # not closed by the tier
            os.lseek(hit[0], 0, os.SEEK_SET)
            assert b"SABOTAGE" in os.read(hit[0], 32)
        else:
            os.fstat(hit[0])
        print("ok")
        """,
        args=[str(path), what],
    ).check()
    assert result.out.strip() == "ok"
