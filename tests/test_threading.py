"""First use under threads: the guarantees of docs/threading.md, checked
through the public API in fresh interpreters, with many threads released
together at the smallest switch interval (tests/race_helpers.py)."""
from __future__ import absolute_import, division, print_function

import json

from secureshim import _urandom

from .conftest import run_python
from .race_helpers import RACE

FIRST_ACCESS = r"""
import json, sys

wrong = []
n = 0
for n in rounds(most=60):
    # A fresh secureshim each round, as in a new process: every lazy name,
    # lazy probe and first-use warning is due again.
    for name in list(sys.modules):
        if name == "secureshim" or name.startswith("secureshim."):
            del sys.modules[name]
    import secureshim
    del caught[:]

    def first(i):
        found = (
            secureshim.match_hostname,
            secureshim.create_default_context,
            secureshim.SSLContext,
            sorted(secureshim.backends().items()),
        )
        secureshim.compare_digest(b"ab", b"ab")
        secureshim.urandom(8)
        return found

    seen = race(first)
    for attribute in range(4):
        if any(s[attribute] is not seen[0][attribute] and s[attribute] != seen[0][attribute]
               for s in seen):
            wrong.append(["different objects", n, attribute])
    if any(s[0] is not secureshim.match_hostname for s in seen):
        wrong.append(["not the module's match_hostname", n])
    degraded = sorted(m.split(":")[0] for c, m in caught if c == "DegradedSecurityWarning")
    if degraded != ["compare_digest", "urandom"]:
        wrong.append(["warnings", n, degraded])
print(json.dumps({"rounds": n + 1, "wrong": wrong[:5]}))
"""


def test_racing_first_access_gets_one_object_and_one_warning_each():
    urandom_tier = "getrandom" if _urandom.getrandom_backend() is not None else "fd"
    result = run_python(
        FIRST_ACCESS,
        prelude=RACE,
        env={"SECURESHIM_FORCE": "compare_digest=python,urandom=" + urandom_tier},
    ).check()
    out = json.loads(result.out.strip().splitlines()[-1])
    assert out["rounds"] >= 5 and out["wrong"] == [], out


def test_racing_first_use_probes_getrandom_once_before_2_7_9():
    # Emulated 2.7.8 (os.urandom is Python code): the tier is chosen at
    # first use; racing threads must share one probe and one choice.
    result = run_python(
        r"""
        import json, os
        def old_urandom(n):
            with open("/dev/urandom", "rb") as f:
                return f.read(n)
        os.urandom = old_urandom
        import secureshim
        from secureshim import _detect, _urandom
        probes = []
        real = _urandom._load_getrandom
        def counted():
            probes.append(1)
            return real()
        _urandom._load_getrandom = counted
        wrong = []
        n = 0
        for n in rounds():
            del _urandom._getrandom[:], probes[:]
            _urandom.PRIMITIVE._choice = None
            secureshim.__dict__.pop("urandom", None)  # bound at first access
            _detect.CHOSEN.pop("urandom", None)
            sizes = race(lambda i: len(secureshim.urandom(8)))
            if sizes != [8] * 16 or len(probes) != 1 or _urandom.PRIMITIVE._choice is None:
                wrong.append([n, sizes, len(probes)])
        print(json.dumps({"rounds": n + 1, "wrong": wrong[:5],
                          "tier": secureshim.backends()["urandom"]}))
        """,
        prelude=RACE,
    ).check()
    out = json.loads(result.out.strip().splitlines()[-1])
    assert out["rounds"] >= 5 and out["wrong"] == [], out
    assert out["tier"] in ("getrandom", "fd")
