"""The public surface: names, backends(), features, version, import cost."""
from __future__ import absolute_import, division, print_function

import re

import secureshim
from secureshim import features

from .conftest import block_imports, run_python

TIERS = {"native", "openssl", "python", "fd", "pyopenssl", "legacy"}


def test_all_names_exist():
    for name in secureshim.__all__:
        assert hasattr(secureshim, name), name


def test_version_is_in_the_code():
    assert re.match(r"^\d+\.\d+\.\d+", secureshim.__version__)


def test_backends_reports_a_known_tier_for_each_primitive():
    chosen = secureshim.backends()
    assert {"compare_digest", "urandom"} <= set(chosen)
    assert set(chosen.values()) <= TIERS


def test_backends_returns_a_copy():
    secureshim.backends()["compare_digest"] = "bogus"
    assert secureshim.backends()["compare_digest"] != "bogus"


def test_backends_matches_the_bound_function():
    import hmac
    import os

    chosen = secureshim.backends()
    assert (secureshim.compare_digest is getattr(hmac, "compare_digest", None)) == (
        chosen["compare_digest"] == "native"
    )
    assert (secureshim.urandom is os.urandom) == (chosen["urandom"] == "native")


def test_features_flags_describe_the_stdlib():
    import hashlib
    import hmac
    import os
    import ssl

    assert features.HAS_COMPARE_DIGEST == hasattr(hmac, "compare_digest")
    assert features.HAS_PBKDF2_HMAC == hasattr(hashlib, "pbkdf2_hmac")
    if features.PBKDF2_HMAC_OPENSSL:
        assert hashlib.pbkdf2_hmac.__module__ == "_hashlib"
    elif features.HAS_PBKDF2_HMAC:
        assert hashlib.pbkdf2_hmac.__module__ == "hashlib"
    assert features.HAS_GETRANDOM == hasattr(os, "getrandom")
    assert features.HAS_SSLCONTEXT == hasattr(ssl, "SSLContext")
    assert features.HAS_CREATE_DEFAULT_CONTEXT == hasattr(ssl, "create_default_context")
    assert features.HAS_MATCH_HOSTNAME == hasattr(ssl, "match_hostname")
    assert features.HAS_SNI == ssl.HAS_SNI
    assert features.HAS_TLSv1_3 == getattr(ssl, "HAS_TLSv1_3", False)
    assert features.HAS_HOSTNAME_CHECKS_COMMON_NAME == hasattr(
        ssl.SSLContext, "hostname_checks_common_name"
    )
    assert features.OPENSSL_VERSION == ssl.OPENSSL_VERSION
    assert features.HAS_WRAP_SOCKET == hasattr(ssl, "wrap_socket")
    assert features.HAS_MINIMUM_VERSION == hasattr(ssl.SSLContext, "minimum_version")
    assert features.HAS_HTTPS_VERIFY_SWITCH == hasattr(ssl, "_https_verify_certificates")


def test_features_as_dict_lists_every_flag():
    # FLAGS is written by hand: a flag added to the module but not to FLAGS
    # would be missing from as_dict() and from the report.
    public = set(
        name for name, value in vars(features).items()
        if name[:1].isupper() and name not in ("FLAGS", "TYPE_CHECKING")
        and not callable(value) and not isinstance(value, type(features))
    )
    assert public == set(features.FLAGS)
    flags = features.as_dict()
    assert sorted(flags) == sorted(features.FLAGS)
    for name in features.FLAGS:
        assert flags[name] is getattr(features, name), name


def test_import_probes_nothing_and_loads_no_heavy_module():
    # On every interpreter: importing secureshim chooses no tier and loads
    # none of ssl, ctypes, subprocess or tempfile (beyond what the
    # interpreter itself had loaded); the hash and random primitives load
    # no ssl either.
    result = run_python(
        """
        import sys
        import hashlib, hmac, os
        before = set(sys.modules)
        import secureshim
        from secureshim import _detect
        heavy = ("ssl", "_ssl", "ctypes", "subprocess", "tempfile")
        print(sorted(set(sys.modules) - before & set(heavy)))
        print(sorted(_detect.CHOSEN))
        secureshim.compare_digest(b"a", b"a")
        secureshim.urandom(1)
        print("ssl" in set(sys.modules) - before)
        print(sorted(_detect.CHOSEN))
        """
    ).check()
    assert result.out.split("\n")[:4] == [
        "[]", "[]", "False", "['compare_digest', 'urandom']"
    ]


def test_reading_the_https_verify_state_chooses_no_tls_tier():
    # The PEP 493 functions read configuration; only a context made by
    # create_unverified_context needs the TLS tier (on 2.7.0-2.7.8 the
    # choice probes pyOpenSSL and arms the legacy tier's warning).
    result = run_python(
        """
        import secureshim
        from secureshim import _detect
        secureshim.https_verify_state()
        print(sorted(_detect.CHOSEN))
        """
    ).check()
    assert result.out.split("\n")[0] == "[]"


def test_lazy_names_behave_like_attributes():
    # from-import, dir(), hasattr and identity with the stdlib's own
    # objects, through the lazy package object on every interpreter.
    result = run_python(
        """
        import hmac, pickle, ssl, sys
        import secureshim
        from secureshim import SSLContext, compare_digest, create_default_context
        assert isinstance(secureshim, type(sys))
        assert sys.modules["secureshim"] is secureshim
        assert set(secureshim.__all__) <= set(dir(secureshim))
        if secureshim.backends()["create_default_context"] == "native":
            assert SSLContext is ssl.SSLContext
            assert isinstance(create_default_context(), secureshim.SSLContext)
        if secureshim.backends()["compare_digest"] == "native":
            assert compare_digest is hmac.compare_digest
        assert secureshim.compare_digest is compare_digest
        assert pickle.loads(pickle.dumps(secureshim.CASource)) is secureshim.CASource
        assert not hasattr(secureshim, "no_such_name")
        from secureshim import _detect  # a submodule, not a lazy name
        print("ok")
        """
    ).check()
    assert result.out.strip() == "ok"


def test_import_works_without_certifi_and_idna():
    # A meta-path finder that refuses the optional dependencies, as in an
    # application that vendors secureshim without them.
    run_python(
        """
        import secureshim
        assert secureshim.compare_digest(b"x", b"x")
        assert len(secureshim.urandom(8)) == 8
        """,
        prelude=block_imports("certifi", "idna"),
    ).check()


def test_python_m_secureshim_prints_backends_and_flags():
    # The exit code is the verdict (0 OK, 1 DEGRADED, 2 INSECURE).
    result = run_python("import runpy; runpy.run_module('secureshim', run_name='__main__')")
    assert result.returncode in (0, 1, 2), result.err
    assert "verdict:" in result.out
    assert "compare_digest" in result.out
    assert "urandom" in result.out
    assert "HAS_TLSv1_2" in result.out
    assert "PBKDF2_HMAC_OPENSSL" in result.out
