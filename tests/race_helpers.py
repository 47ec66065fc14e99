"""Code for run_python() that releases many threads at once, as often as
the interpreter allows a switch, so that a race shows without the help of
real parallelism (docs/threading.md)."""
from __future__ import absolute_import, division, print_function

RACE = r'''
import sys, threading, time

# sys.setswitchinterval: 3.2+; 2.7 counts bytecodes instead. Either way a
# switch can fall between any two steps of the code under test.
if hasattr(sys, "setswitchinterval"):
    sys.setswitchinterval(1e-6)
else:
    sys.setcheckinterval(1)


class _Barrier(object):
    """threading.Barrier (3.2+) for one use, also on 2.7."""

    def __init__(self, parties):
        self.parties = parties
        self.arrived = 0
        self.lock = threading.Lock()
        self.go = threading.Event()

    def wait(self):
        with self.lock:
            self.arrived += 1
            if self.arrived == self.parties:
                self.go.set()
        self.go.wait()


def race(target, threads=16):
    """Call target(i) in ``threads`` threads released together; return the
    results in order, or raise the first exception a thread raised."""
    results = [None] * threads
    errors = []
    barrier = _Barrier(threads)

    def run(i):
        try:
            barrier.wait()
            results[i] = target(i)
        except BaseException as exc:
            errors.append(exc)

    workers = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    if errors:
        raise errors[0]
    return results


def rounds(seconds=1.5, most=300):
    """Yield round numbers until ``most`` rounds or ``seconds`` have passed."""
    end = time.time() + seconds
    n = 0
    while n < most and (n < 5 or time.time() < end):
        yield n
        n += 1


caught = []


def _collect(message, category, filename, lineno, file=None, line=None):
    caught.append((category.__name__, str(message)))


import warnings

warnings.simplefilter("always")
warnings.showwarning = _collect
'''
