"""create_default_context: secureshim against ssl.create_default_context.

Nearly all of the cost is OpenSSL parsing the platform's CA certificates,
which both pay once per context; secureshim's native tier adds the
hardening and one ``cert_store_stats()`` call. Contenders are interleaved
round by round in one process (``_harness.interleave``), and the target
ratio is the median over 201 back-to-back pairs, which cancels the drift
of machine load between rounds.

Target (issue 5): ``secureshim.create_default_context()`` costs at most
1.05x ``ssl.create_default_context()`` in the same run. The pyopenssl and
legacy tiers are shown for information where they can run.

    python benchmarks/bench_tls.py [--rounds N] [--pairs N]
"""
from __future__ import absolute_import, division, print_function

import argparse
import os
import ssl
import sys
import warnings

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import secureshim  # noqa: E402
from _harness import fmt_time, interleave, interpreter, table, timer  # noqa: E402
from secureshim import _tls  # noqa: E402

_TIER = _tls.PRIMITIVE.choose().name

TARGET = 1.05


def _contenders():
    found = [
        ("ssl.create_default_context", ssl.create_default_context),
        ("secureshim (%s)" % _TIER, secureshim.create_default_context),
    ]
    if _TIER != "pyopenssl":
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # cryptography's, on 2.7 and 3.6
                from secureshim import _tls_pyopenssl
        except ImportError:
            print("note: pyOpenSSL is not installed; its tier is not shown")
        else:
            found.append(("pyopenssl tier", _tls_pyopenssl.pyopenssl_create_default_context))
    if _TIER != "legacy":
        try:
            from secureshim import _tls_legacy
        except AttributeError:
            print("note: no ssl.wrap_socket (removed in 3.12); the legacy tier is not shown")
        else:
            found.append(("legacy tier", _tls_legacy.legacy_create_default_context))
    return found


def paired_ratio(ours, theirs, pairs=201):
    """Median over back-to-back pairs (in alternating order) of ours/theirs:
    a 20 ms call is long enough for machine load to change between rounds,
    and pairing cancels that drift."""
    ratios = []
    ours(), theirs()  # warm-up
    for i in range(pairs):
        order = (ours, theirs) if i % 2 else (theirs, ours)
        took = {}
        for func in order:
            start = timer()
            func()
            took[func] = timer() - start
        ratios.append(took[ours] / took[theirs])
    return sorted(ratios)[len(ratios) // 2]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=21)
    parser.add_argument("--pairs", type=int, default=201)
    args = parser.parse_args(argv)
    contenders = _contenders()
    times = interleave(contenders, number=3, rounds=args.rounds)
    base = times["ssl.create_default_context"]
    ratio = paired_ratio(secureshim.create_default_context, ssl.create_default_context,
                         pairs=args.pairs)
    rows = []
    for name, _ in contenders:
        if name.startswith("secureshim"):
            shown = "%.3fx (paired median)" % ratio
            target = "<= %.2fx: %s" % (TARGET, "met" if ratio <= TARGET else "NOT MET")
        else:
            shown = "%.3fx" % (times[name] / base)
            target = ""
        rows.append((name, fmt_time(times[name]), shown, target))
    print("create_default_context on %s, %s" % (interpreter(), ssl.OPENSSL_VERSION))
    print("")
    print(table(["contender", "per call (median)", "ratio to ssl", "target"], rows))


if __name__ == "__main__":
    main()
