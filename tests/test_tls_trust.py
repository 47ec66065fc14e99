"""The trust store: platform file, lazily loaded hashed directory, certifi, none."""
from __future__ import absolute_import, division, print_function

import os
import shutil
import ssl

import pytest

import secureshim
from secureshim import _trust

from . import tls_helpers
from .conftest import block_imports, run_python
from .tls_helpers import HOSTNAME
from .tls_tiers import REFUSALS, TIER_FACTORIES, TIER_PARAMS, attempt, needs_legacy


@pytest.fixture(scope="module")
def pki(tmpdir_factory):
    return tls_helpers.PKI(str(tmpdir_factory.mktemp("trust-pki")))


@pytest.fixture(scope="module")
def good(pki):
    with pki.server("good") as server:
        yield server


@pytest.fixture
def platform(monkeypatch, tmpdir):
    """Point OpenSSL's default locations (SSL_CERT_FILE/SSL_CERT_DIR, which
    it reads at call time) at a directory of the test's making."""
    def configure(cafile=None, capath=None):
        monkeypatch.setenv("SSL_CERT_FILE", cafile or str(tmpdir.join("no-such-file.pem")))
        monkeypatch.setenv("SSL_CERT_DIR", capath or str(tmpdir.mkdir("empty-dir")))
    return configure


def test_explicit_sources_are_reported_as_given(pki):
    assert secureshim.ca_source(cafile=pki.ca_file) == ("cafile", pki.ca_file)
    assert secureshim.ca_source(capath="/x") == ("capath", "/x")
    assert secureshim.ca_source(cadata=u"-----BEGIN") == ("cadata", None)
    assert secureshim.ca_source(cafile=pki.ca_file).kind == "cafile"


@pytest.mark.parametrize("tier", TIER_PARAMS)
def test_platform_file_from_ssl_cert_file(tier, platform, pki, good):
    platform(cafile=pki.ca_file)
    assert secureshim.ca_source() == ("platform-file", pki.ca_file)
    context = TIER_FACTORIES[tier]()
    assert attempt(context, good, HOSTNAME)[0][0].endswith(b"hello")


@pytest.fixture
def hashed_dir(tmpdir, pki):
    pytest.importorskip("OpenSSL", reason="the subject hash comes from pyOpenSSL")
    directory = tmpdir.mkdir("hashed")
    shutil.copy(pki.ca_file, str(directory.join(tls_helpers.subject_hash(pki.ca_file) + ".0")))
    return str(directory)


@pytest.mark.parametrize("tier", TIER_PARAMS)
def test_hashed_directory_counts_although_loaded_lazily(tier, platform, hashed_dir, good):
    platform(capath=hashed_dir)
    assert secureshim.ca_source() == ("platform-directory", hashed_dir)
    context = TIER_FACTORIES[tier]()
    if tier == "native":
        # OpenSSL reads the directory at handshake time: the store looks
        # empty, and certifi must not have been loaded on top of it.
        assert context.cert_store_stats()["x509"] == 0
    assert attempt(context, good, HOSTNAME)[0][0].endswith(b"hello")


@pytest.mark.parametrize("tier", TIER_PARAMS)
def test_empty_platform_falls_back_to_certifi(tier, platform, good):
    certifi = pytest.importorskip("certifi")
    platform()
    assert secureshim.ca_source() == ("certifi", certifi.where())
    context = TIER_FACTORIES[tier]()
    if tier == "native":
        assert context.cert_store_stats()["x509_ca"] > 50
    # certifi's public roots do not include the test CA.
    outcome, _ = attempt(context, good, HOSTNAME)
    assert isinstance(outcome, REFUSALS)


def test_certifi_fallback_reaches_a_server_it_trusts(platform, pki, good, monkeypatch):
    # certifi.where() is the only input: make it our CA and the fallback
    # must verify the good server with it.
    certifi = pytest.importorskip("certifi")
    platform()
    monkeypatch.setattr(certifi, "where", lambda: pki.ca_file)
    assert secureshim.ca_source() == ("certifi", pki.ca_file)
    for make in TIER_FACTORIES.values():
        assert attempt(make(), good, HOSTNAME)[0][0].endswith(b"hello")


def test_no_store_at_all_warns_and_reports_none(tmpdir):
    result = run_python(
        """
        import warnings
        import secureshim
        print(secureshim.ca_source().kind)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            ctx = secureshim.create_default_context()
        assert [w.category for w in caught] == [secureshim.TrustStoreWarning], caught
        assert "Fix:" in str(caught[0].message)
        assert ctx.verify_mode == 2
        print("ok")
        """,
        prelude=block_imports("certifi"),
        env={
            "SSL_CERT_FILE": str(tmpdir.join("none.pem")),
            "SSL_CERT_DIR": str(tmpdir.mkdir("empty")),
        },
    ).check()
    assert result.out.split() == ["none", "ok"]


@needs_legacy
def test_legacy_reads_a_hashed_directory_into_its_bundle(hashed_dir, good):
    context = TIER_FACTORIES["legacy"](capath=hashed_dir)
    assert attempt(context, good, HOSTNAME)[0][0].endswith(b"hello")


def test_well_known_locations_are_used_only_without_openssl_defaults(monkeypatch):
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    paths = ssl.get_default_verify_paths()
    assert _trust.platform_locations() == (paths.cafile, paths.capath)
    from secureshim import _detect

    monkeypatch.setitem(_detect.ssl_flags(), "HAS_DEFAULT_VERIFY_PATHS", False)
    cafile, capath = _trust.platform_locations()
    assert cafile in _trust.WELL_KNOWN_FILES + (None,)
    assert cafile is None or os.path.isfile(cafile)


def test_split_der_rejects_truncated_data(pki):
    with open(pki.ca_file) as handle:
        der = ssl.PEM_cert_to_DER_cert(handle.read())
    assert _trust.split_der(der + der) == [der, der]
    with pytest.raises(ssl.SSLError):
        _trust.split_der(der[:-1])
    with pytest.raises(ssl.SSLError):
        _trust.split_der(b"")
