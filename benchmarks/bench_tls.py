"""create_default_context speed: secureshim against the stdlib's.

Contenders, measured interleaved in one process (each round times every
contender once, in alternating order; the median round counts, and the
best round is shown too):

* ``ssl.create_default_context()``
* ``secureshim.create_default_context()`` (the ``native`` tier here: the
  stdlib's, plus the hardening and the empty-store check)

Nearly all of the cost is OpenSSL parsing the platform's CA certificates,
which both pay once per context. Target (issue 5): secureshim costs at
most 1.05 times the stdlib in the same run. Also shown, for information:
the ``pyopenssl`` and ``legacy`` tiers, where they can run.

Run: ``python benchmarks/bench_tls.py [--rounds N]``.
"""
from __future__ import absolute_import, division, print_function

import argparse
import os
import ssl
import sys
import timeit
import warnings

try:
    import secureshim
except ImportError:  # run from a checkout
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))
    import secureshim

MYPY = False
if MYPY:  # pragma: no cover
    from typing import Any, Callable, Dict, List, Optional, Tuple  # noqa: F401

TARGET_RATIO = 1.05


def _contenders():
    # type: () -> List[Tuple[str, Any, bool]]
    """(name, factory, counts for the target)."""
    found = [
        ("ssl.create_default_context", ssl.create_default_context, True),
        (
            "secureshim (%s)" % secureshim.backends()["create_default_context"],
            secureshim.create_default_context,
            True,
        ),
    ]  # type: List[Tuple[str, Any, bool]]
    from secureshim import _tls

    if _tls.TIER != "pyopenssl":
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # cryptography's on 2.7/3.6
                from secureshim import _tls_pyopenssl
        except ImportError:
            print("note: pyOpenSSL is not installed; its tier is skipped")
        else:
            found.append(("secureshim pyopenssl tier", _tls_pyopenssl.pyopenssl_create_default_context, False))
    if _tls.TIER != "legacy":
        try:
            from secureshim import _tls_legacy
        except AttributeError:
            print("note: no ssl.wrap_socket (removed in 3.12); the legacy tier is skipped")
        else:
            found.append(("secureshim legacy tier", _tls_legacy.legacy_create_default_context, False))
    return found


def _time(factory, number):
    # type: (Callable[[], Any], int) -> float
    start = timeit.default_timer()
    for _ in range(number):
        factory()
    return (timeit.default_timer() - start) / number


def _median(values):
    # type: (List[float]) -> float
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2.0


def main(argv=None):
    # type: (Optional[List[str]]) -> int
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=40, help="rounds (default 40)")
    parser.add_argument("--number", type=int, default=3, help="calls per contender per round")
    args = parser.parse_args(argv)
    contenders = _contenders()
    for _, factory, _ in contenders:  # warm up: imports, page cache
        factory()
    samples = dict((name, []) for name, _, _ in contenders)  # type: Dict[str, List[float]]
    for round_number in range(args.rounds):
        order = contenders if round_number % 2 == 0 else list(reversed(contenders))
        for name, factory, _ in order:
            samples[name].append(_time(factory, args.number))
    baseline = _median(samples[contenders[0][0]])
    print("")
    print("create_default_context on Python %s, %s (%d rounds x %d calls)" % (
        sys.version.split()[0], ssl.OPENSSL_VERSION, args.rounds, args.number))
    print("")
    print("| contender | median ms | best ms | ratio to ssl (median) | target |")
    print("| --- | ---: | ---: | ---: | --- |")
    failed = False
    for name, _, counts in contenders:
        median = _median(samples[name])
        ratio = median / baseline
        target = ""
        if counts and name != contenders[0][0]:
            met = ratio <= TARGET_RATIO
            failed = failed or not met
            target = "<= %.2f: %s" % (TARGET_RATIO, "met" if met else "NOT MET")
        print("| %s | %.3f | %.3f | %.3f | %s |" % (
            name, median * 1e3, min(samples[name]) * 1e3, ratio, target))
    print("")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
