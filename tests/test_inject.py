"""inject_into_stdlib / extract_from_stdlib.

Every test runs in a fresh interpreter: injection changes the stdlib
modules of the whole process. Old interpreters are emulated by deleting
stdlib names *before* ``import secureshim``, so that feature detection
sees them missing, as it would on 2.7.6 or 3.12.
"""
from __future__ import absolute_import, division, print_function

import json
import textwrap

import secureshim

from .conftest import run_python
from .race_helpers import RACE

# Snapshot of the touched modules: {module: {attribute: id(value)}}.
SNAPSHOT = """
import hashlib, hmac, os, ssl, sys

def snapshot():
    return dict(
        (name, dict((key, id(value)) for key, value in vars(sys.modules[name]).items()))
        for name in ("hashlib", "hmac", "os", "ssl")
    )

# The restorable ssl names this interpreter lacks now, as inject_into_stdlib
# reports them: PROTOCOL_TLSv1* only where the stdlib's negotiating context
# starts at TLS 1.2 (3.10+, bpo-43998).
def missing_ssl_names():
    floor = False
    if hasattr(ssl, "PROTOCOL_TLS_CLIENT") and hasattr(ssl, "TLSVersion"):  # 3.7+
        floor = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT).minimum_version >= ssl.TLSVersion.TLSv1_2
    names = ["wrap_socket", "RAND_pseudo_bytes"]
    if floor:
        names += ["PROTOCOL_TLSv1", "PROTOCOL_TLSv1_1", "PROTOCOL_TLSv1_2"]
    return ["ssl." + name for name in names if not hasattr(ssl, name)]
"""


def run(code, env=None):
    result = run_python(SNAPSHOT + textwrap.dedent(code), env=env).check()
    lines = [line for line in result.out.splitlines() if line.startswith("{")]
    assert lines, result.out
    return json.loads(lines[-1])


def test_public_names():
    assert "inject_into_stdlib" in secureshim.__all__
    assert "extract_from_stdlib" in secureshim.__all__


def test_inject_on_this_interpreter_adds_only_missing_names():
    out = run(
        """
        import json
        before_names = dict((m, set(vars(sys.modules[m]))) for m in ("hashlib", "hmac", "os", "ssl"))
        before = snapshot()
        ssl_missing = missing_ssl_names()
        import secureshim
        changed = secureshim.inject_into_stdlib()
        after = snapshot()
        touched = []
        for module in before:
            for key in set(before[module]) | set(after[module]):
                if before[module].get(key) != after[module].get(key):
                    touched.append("%s.%s" % (module, key))
        print(json.dumps({
            "changed": changed,
            "touched": sorted(touched),
            "had_match_hostname": "match_hostname" in before_names["ssl"],
            "ssl_missing": ssl_missing,
            "wrap_socket_is_secureshim": getattr(ssl, "wrap_socket", None) is secureshim.wrap_socket,
            "match_hostname_is_secureshim": getattr(ssl, "match_hostname", None) is secureshim.match_hostname,
        }))
        """
    )
    assert out["changed"] == out["touched"]
    expected = [] if out["had_match_hostname"] else ["ssl.match_hostname"]
    # ssl.wrap_socket and RAND_pseudo_bytes on 3.12+, RAND_pseudo_bytes on
    # 2.7, the PROTOCOL_TLSv1* constants with OpenSSL 4.0.
    expected += out["ssl_missing"]
    assert out["changed"] == sorted(expected)
    if not out["had_match_hostname"]:  # Python 3.12+
        assert out["match_hostname_is_secureshim"]
    assert out["wrap_socket_is_secureshim"] == ("ssl.wrap_socket" in out["ssl_missing"])


def test_legacy_interpreter_gets_every_name_and_extract_restores_absence():
    # Emulate 2.7.6 (no compare_digest, pbkdf2_hmac, algorithms_*) and 3.12
    # (no ssl.match_hostname) at once.
    out = run(
        """
        import json, warnings
        for module, name in (("hmac", "compare_digest"), ("hashlib", "pbkdf2_hmac"),
                             ("hashlib", "algorithms_guaranteed"),
                             ("hashlib", "algorithms_available"),
                             ("ssl", "match_hostname")):
            if hasattr(sys.modules[module], name):
                delattr(sys.modules[module], name)
        before = snapshot()
        import secureshim
        from secureshim import _compare_digest
        changed = secureshim.inject_into_stdlib()
        checks = {
            "compare_digest": hmac.compare_digest is _compare_digest.python_compare_digest,
            "algorithms": hashlib.algorithms_guaranteed is secureshim.algorithms_guaranteed
                and hashlib.algorithms_available is secureshim.algorithms_available,
            "match_hostname": ssl.match_hostname is secureshim.match_hostname,
        }
        # Unmodified code now runs through the stdlib names.
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            checks["compare_true"] = hmac.compare_digest(b"abc", b"abc")
            checks["compare_false"] = not hmac.compare_digest(b"abc", b"abd")
        checks["warned"] = [issubclass(w.category, secureshim.DegradedSecurityWarning) for w in caught]
        cert = {"subjectAltName": (("DNS", "*.example.com"),)}
        ssl.match_hostname(cert, "www.example.com")
        try:
            ssl.match_hostname(cert, "www.example.org")
        except ssl.CertificateError:
            checks["refused"] = True
        import binascii
        checks["pbkdf2_is_secureshim"] = hashlib.pbkdf2_hmac is secureshim.pbkdf2_hmac
        checks["pbkdf2"] = binascii.hexlify(hashlib.pbkdf2_hmac("sha1", b"password", b"salt", 1, 20)).decode()
        restored = secureshim.extract_from_stdlib()
        print(json.dumps({
            "changed": changed, "restored": restored, "checks": checks,
            "same": snapshot() == before,
            "gone": [n for n in ("compare_digest", "pbkdf2_hmac") if hasattr(hmac, n) or hasattr(hashlib, n)]
                    + (["match_hostname"] if hasattr(ssl, "match_hostname") else []),
        }))
        """
    )
    expected = {"hmac.compare_digest", "hashlib.algorithms_guaranteed",
                "hashlib.algorithms_available", "hashlib.pbkdf2_hmac", "ssl.match_hostname"}
    # RFC 6070, test vector 1, through hashlib's (injected) name.
    assert out["checks"]["pbkdf2"] == "0c60c80f961f0e71f3a9b524af6012062fe037a6"
    assert out["checks"]["pbkdf2_is_secureshim"]
    # Plus the ssl names this interpreter lacks (test_wrap_socket covers them).
    assert expected <= set(out["changed"])
    assert set(out["changed"]) - expected <= {"ssl.wrap_socket", "ssl.RAND_pseudo_bytes"}
    assert out["restored"] == out["changed"]
    checks = out["checks"]
    for key in ("compare_digest", "algorithms", "match_hostname", "compare_true",
                "compare_false", "refused"):
        assert checks[key] is True, key
    assert checks["warned"] == [True]  # the python tier's first-use warning
    assert out["same"], "extract_from_stdlib did not restore the modules exactly"
    assert out["gone"] == []


def test_inject_is_idempotent():
    out = run(
        """
        import json
        if hasattr(ssl, "match_hostname"):
            del ssl.match_hostname
        import secureshim
        expected = sorted(["ssl.match_hostname"] + missing_ssl_names())
        first = secureshim.inject_into_stdlib()
        state = snapshot()
        second = secureshim.inject_into_stdlib()
        third = secureshim.inject_into_stdlib()
        print(json.dumps({"first": first, "second": second, "third": third,
                          "same": snapshot() == state, "expected": expected}))
        """
    )
    assert out["first"] == out["expected"]
    assert out["second"] == out["third"] == []
    assert out["same"]


def test_native_names_are_kept_unless_replace_native():
    out = run(
        """
        import json
        native = dict(
            compare_digest=hmac.compare_digest,
            match_hostname=getattr(ssl, "match_hostname", None),
            CertificateError=ssl.CertificateError,
            SSLContext=ssl.SSLContext,
            urandom=os.urandom,
            wrap_socket=getattr(ssl, "wrap_socket", None),
            rand=getattr(ssl, "RAND_pseudo_bytes", None),
        )
        before = snapshot()
        import secureshim
        plain = secureshim.inject_into_stdlib()
        kept = (hmac.compare_digest is native["compare_digest"]
                and os.urandom is native["urandom"]
                and (native["match_hostname"] is None
                     or ssl.match_hostname is native["match_hostname"]))
        replaced = secureshim.inject_into_stdlib(replace_native=True)
        result = {
            "plain": plain, "replaced": replaced, "kept": kept,
            "had_match_hostname": native["match_hostname"] is not None,
            "had_wrap_socket": native["wrap_socket"] is not None,
            "had_rand": native["rand"] is not None,
            "ws_is_secureshim": getattr(ssl, "wrap_socket", None) is secureshim.wrap_socket,
            "mh_is_secureshim": ssl.match_hostname is secureshim.match_hostname,
            # Classes are never replaced, and native tiers never.
            "classes_kept": ssl.CertificateError is native["CertificateError"]
                            and ssl.SSLContext is native["SSLContext"],
            "compare_digest_kept": hmac.compare_digest is native["compare_digest"],
            "injected": secureshim._inject.injected(),
            # hashlib's own pbkdf2_hmac is CPython's Python fallback where
            # secureshim picked its openssl tier (pyenv's 2.7 and 3.6 here).
            "pbkdf2_replaceable": hasattr(hashlib, "pbkdf2_hmac")
                and secureshim.backends().get("pbkdf2_hmac", "native") != "native",
        }
        result["restored"] = secureshim.extract_from_stdlib()
        result["same"] = snapshot() == before
        result["mh_back"] = getattr(ssl, "match_hostname", None) is native["match_hostname"]
        result["ws_back"] = getattr(ssl, "wrap_socket", None) is native["wrap_socket"]
        print(json.dumps(result))
        """
    )
    assert out["kept"]
    pbkdf2 = ["hashlib.pbkdf2_hmac"] if out["pbkdf2_replaceable"] else []
    rand = [] if out["had_rand"] else ["ssl.RAND_pseudo_bytes"]
    # ssl.wrap_socket (2.7-3.11) is replaced by the hardened one when asked.
    if out["had_match_hostname"]:  # 2.7.9+, 3.2-3.11
        assert out["plain"] == rand
        assert out["replaced"] == pbkdf2 + ["ssl.match_hostname", "ssl.wrap_socket"]
    else:
        assert out["plain"] == sorted(rand + ["ssl.match_hostname", "ssl.wrap_socket"])
        assert out["replaced"] == pbkdf2
    assert out["injected"] == dict(
        [(name, True) for name in pbkdf2]
        + [(name, False) for name in rand]
        + [("ssl.match_hostname", out["had_match_hostname"]),
           ("ssl.wrap_socket", out["had_wrap_socket"])])
    assert out["mh_is_secureshim"] and out["ws_is_secureshim"]
    assert out["classes_kept"]
    assert out["compare_digest_kept"]
    assert out["restored"] == sorted(pbkdf2 + rand + ["ssl.match_hostname", "ssl.wrap_socket"])
    assert out["same"] and out["mh_back"] and out["ws_back"]


def test_replace_native_uses_a_forced_non_native_tier():
    out = run(
        """
        import json
        native = hmac.compare_digest
        import secureshim
        from secureshim import _compare_digest
        plain = secureshim.inject_into_stdlib()
        kept = hmac.compare_digest is native
        replaced = secureshim.inject_into_stdlib(replace_native=True)
        result = {"plain": plain, "kept": kept, "replaced": replaced,
                  "is_python": hmac.compare_digest is _compare_digest.python_compare_digest}
        secureshim.extract_from_stdlib()
        result["back"] = hmac.compare_digest is native
        print(json.dumps(result))
        """,
        env={"SECURESHIM_FORCE": "compare_digest=python"},
    )
    assert "hmac.compare_digest" not in out["plain"]
    assert out["kept"]
    assert "hmac.compare_digest" in out["replaced"]
    assert out["is_python"] and out["back"]


def test_replace_native_urandom_with_the_fd_tier_and_never_a_native_wrapper():
    # Forced fd: os.urandom is replaced (only when asked).
    out = run(
        """
        import json
        native = os.urandom
        import secureshim
        from secureshim import _urandom
        replaced = secureshim.inject_into_stdlib(replace_native=True)
        result = {"replaced": replaced, "is_fd": os.urandom is _urandom.fd_urandom,
                  "works": len(os.urandom(16)) == 16}
        secureshim.extract_from_stdlib()
        result["back"] = os.urandom is native
        print(json.dumps(result))
        """,
        env={"SECURESHIM_FORCE": "urandom=fd"},
    )
    assert "os.urandom" in out["replaced"]
    assert out["is_fd"] and out["works"] and out["back"]
    # Emulated 2.7.8 (os.urandom is Python code) with the native tier forced:
    # secureshim.urandom wraps os.urandom, so it must not be put into os.
    out = run(
        """
        import json, warnings
        def old_urandom(n):
            with open("/dev/urandom", "rb") as f:
                return f.read(n)
        os.urandom = old_urandom
        import secureshim
        replaced = secureshim.inject_into_stdlib(replace_native=True)
        with warnings.catch_warnings(record=True):
            warnings.simplefilter("always")
            n = len(secureshim.urandom(8))
        print(json.dumps({"replaced": replaced, "kept": os.urandom is old_urandom, "n": n}))
        """,
        env={"SECURESHIM_FORCE": "urandom=native"},
    )
    assert "os.urandom" not in out["replaced"]
    assert out["kept"] and out["n"] == 8


def test_extract_leaves_names_that_other_code_reassigned():
    out = run(
        """
        import json
        if hasattr(ssl, "match_hostname"):
            del ssl.match_hostname
        expected = missing_ssl_names()
        import secureshim
        secureshim.inject_into_stdlib()
        def theirs(cert, hostname):
            return None
        ssl.match_hostname = theirs
        restored = secureshim.extract_from_stdlib()
        print(json.dumps({"restored": restored, "kept": ssl.match_hostname is theirs,
                          "again": secureshim.extract_from_stdlib(), "expected": expected}))
        """
    )
    # Only the reassigned name stays; the other ssl names missing here
    # (3.12+: wrap_socket, RAND_pseudo_bytes) are restored.
    assert out["restored"] == sorted(out["expected"])
    assert out["kept"]
    assert out["again"] == []


def test_extract_without_inject_changes_nothing():
    out = run(
        """
        import json
        before = snapshot()
        import secureshim
        restored = secureshim.extract_from_stdlib()
        print(json.dumps({"restored": restored, "same": snapshot() == before}))
        """
    )
    assert out == {"restored": [], "same": True}


def test_inject_and_extract_racing_threads_change_each_name_once():
    # 16 threads released together inject (and then extract) round after
    # round: each name is changed by exactly one of them, and the modules
    # end as they began.
    out = run(
        RACE + textwrap.dedent(
            """
            import json
            if hasattr(ssl, "match_hostname"):
                del ssl.match_hostname
            if hasattr(hmac, "compare_digest"):
                del hmac.compare_digest
            before = snapshot()
            import secureshim
            # What one call changes here (more names where this ssl lacks
            # others that secureshim restores).
            expected = secureshim.inject_into_stdlib()
            assert secureshim.extract_from_stdlib() == expected
            assert {"hmac.compare_digest", "ssl.match_hostname"} <= set(expected)
            wrong = []
            n = 0
            for n in rounds():
                injected = race(lambda i: secureshim.inject_into_stdlib())
                names = sorted(sum(injected, []))
                if names != expected:
                    wrong.append(["inject", names])
                if ssl.match_hostname is not secureshim.match_hostname:
                    wrong.append(["not ours", n])
                restored = race(lambda i: secureshim.extract_from_stdlib())
                names = sorted(sum(restored, []))
                if names != expected:
                    wrong.append(["extract", names])
                if snapshot() != before:
                    wrong.append(["left changed", n])
            print(json.dumps({"rounds": n + 1, "wrong": wrong[:5]}))
            """
        ),
        env={"PYTHONWARNINGS": "ignore"},
    )
    assert out["rounds"] >= 5 and out["wrong"] == [], out
