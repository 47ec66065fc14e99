"""secureshim vendored as someapp._vendor.secureshim, with nothing installed.

The package directory is copied into a throwaway application and imported
under its vendored name by a fresh interpreter started with ``-S -E`` (and
``-s`` on 3.x): no site-packages, so neither an installed secureshim nor
certifi nor idna can be found, and PYTHONPATH is ignored; the code puts
only the application's directory on sys.path. Every public name gets a
smoke test, and a public name without one fails the test.
"""
from __future__ import absolute_import, division, print_function

import json
import os
import shutil
import subprocess
import sys
import textwrap

import secureshim

from . import schema_check

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

SMOKE = r'''
import json, sys, warnings
sys.path.insert(0, APP_DIR)
result = {}
for name in ("secureshim", "certifi", "idna"):
    try:
        __import__(name)
    except ImportError:
        result["no_" + name] = True
    else:
        result["no_" + name] = False

from someapp._vendor import secureshim as s
import hashlib, hmac, os, ssl, binascii
done = {}
warnings.simplefilter("always")
with warnings.catch_warnings(record=True) as caught:
    done["__version__"] = s.__version__
    done["compare_digest"] = s.compare_digest(b"abc", b"abc") and not s.compare_digest(b"abc", b"abd")
    done["urandom"] = len(s.urandom(16)) == 16 and s.urandom(16) != s.urandom(16)
    done["algorithms_guaranteed"] = "sha256" in s.algorithms_guaranteed
    done["algorithms_available"] = set(s.algorithms_guaranteed) <= set(s.algorithms_available)
    done["backends"] = sorted(s.backends())
    for cls in ("SecureShimWarning", "DegradedSecurityWarning", "InsecurePlatformWarning",
                "SNIMissingWarning", "TrustStoreWarning", "UnverifiedContextWarning"):
        done[cls] = issubclass(getattr(s, cls), Warning)
    # RFC 6070, test vector 2.
    done["pbkdf2_hmac"] = binascii.hexlify(
        s.pbkdf2_hmac("sha1", b"password", b"salt", 2, 20)
    ).decode() == "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957"
    cert = {"subjectAltName": (("DNS", "*.example.com"),)}
    s.match_hostname(cert, "www.example.com")
    try:
        s.match_hostname(cert, "example.org")
    except s.CertificateError:
        done["match_hostname"] = done["CertificateError"] = True
    ctx = s.create_default_context()
    done["create_default_context"] = ctx.verify_mode == ssl.CERT_REQUIRED and ctx.check_hostname
    done["SSLContext"] = isinstance(ctx, s.SSLContext)
    done["Purpose"] = s.create_default_context(s.Purpose.SERVER_AUTH).check_hostname
    unverified = s.create_unverified_context()
    done["create_unverified_context"] = unverified.verify_mode == ssl.CERT_NONE
    source = s.ca_source()
    done["ca_source"] = source[0] in ("platform-file", "platform-directory", "certifi")
    done["CASource"] = isinstance(source, s.CASource)
    try:
        s.wrap_socket(None, keyfile="key.pem")  # 3.11's argument check, no socket needed
    except ValueError as exc:
        done["wrap_socket"] = str(exc) == "certfile must be specified"
    done["https_verify_state"] = tuple(s.https_verify_state())[:2] == (True, "default")
    state = s.apply_https_verify_policy(config_path=APP_DIR + "/no-such.cfg")
    done["apply_https_verify_policy"] = state[0] is True and state[1] == "default"
    s.https_verify_certificates(True)
    done["https_verify_certificates"] = s.https_verify_state()[:2] == (True, "runtime")
    had = hasattr(ssl, "match_hostname")
    changed = s.inject_into_stdlib()
    done["inject_into_stdlib"] = had or ssl.match_hostname is s.match_hostname
    done["extract_from_stdlib"] = s.extract_from_stdlib() == changed
    from someapp._vendor.secureshim import features, _diagnostics
    from someapp._vendor.secureshim._cli import report as cli_report
    done["features"] = features.as_dict()["HAS_SSL"] is True
    report = _diagnostics.collect()
    text = cli_report.render(report)
    done["diagnostics"] = report["secureshim"]["module"] == "someapp._vendor.secureshim" \
        and "verdict:" in text
    result["report"] = report

result["warnings"] = [[w.category.__name__, str(w.message)] for w in caught]
result["done"] = done
result["all"] = list(s.__all__)
result["foreign"] = sorted(
    name for name in sys.modules
    if name == "secureshim" or name.startswith("secureshim.")
    or name.split(".")[0] in ("certifi", "idna"))
result["loaded_from"] = s.__file__
print(json.dumps(result))
'''


def _python():
    """The interpreter to run, and its flags.

    -S: no site, so no site-packages. -E: ignore PYTHON* variables. -s
    (3.x): no user site either. A 2.7 virtualenv finds its stdlib only
    through its own site.py, so there the base interpreter runs instead
    (``sys.real_prefix``, set by virtualenv); it is the same Python.
    """
    flags = ["-S", "-E"] + (["-s"] if sys.version_info[0] >= 3 else [])
    base = getattr(sys, "real_prefix", None)
    if base is not None:
        name = "python%d.%d" % sys.version_info[:2]
        return [os.path.join(base, "bin", name)] + flags
    return [sys.executable] + flags


def vendor(tmp_path):
    source = os.path.join(ROOT, "src", "secureshim")
    if not os.path.isdir(source):  # tests run outside the source tree
        source = os.path.dirname(os.path.abspath(secureshim.__file__))
    app = tmp_path / "someapp"
    vendor_dir = app / "_vendor"
    shutil.copytree(source, str(vendor_dir / "secureshim"),
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    (app / "__init__.py").write_text(u"")
    (vendor_dir / "__init__.py").write_text(u"")
    return str(tmp_path)


def run_smoke(app_dir, env_extra=None):
    env = dict(os.environ)
    env.pop("SECURESHIM_FORCE", None)
    env.update(env_extra or {})
    code = "APP_DIR = %r\n" % app_dir + textwrap.dedent(SMOKE)
    proc = subprocess.Popen(
        _python() + ["-c", code],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=app_dir, env=env,
    )
    out, err = proc.communicate()
    assert proc.returncode == 0, err.decode("utf-8", "replace")
    return json.loads(out.decode("utf-8"))


def test_vendored_copy_works_alone(tmp_path):
    app_dir = vendor(tmp_path)
    result = run_smoke(app_dir)
    assert result["no_secureshim"] and result["no_certifi"] and result["no_idna"]
    assert result["foreign"] == []
    assert result["loaded_from"].startswith(app_dir)
    done = result["done"]
    # Every public name has a smoke test, and every smoke test passed.
    untested = [name for name in result["all"] if name not in done]
    assert untested == [], "public names without a vendored smoke test: %s" % untested
    failed = [name for name, ok in done.items() if ok is False]
    assert failed == []
    assert set(secureshim.backends()) <= set(done["backends"])
    # On this interpreter's best tiers the only warning is the one
    # create_unverified_context gives at every call.
    assert [w[:1] for w in result["warnings"]] == [["UnverifiedContextWarning"]], result["warnings"]
    with open(os.path.join(ROOT, "docs", "diagnostics.schema.json")) as handle:
        schema = json.load(handle)
    schema_check.validate(
        result["report"], dict(schema["definitions"]["report"], definitions=schema["definitions"])
    )


def test_vendored_cli_runs_under_its_own_name(tmp_path):
    app_dir = vendor(tmp_path)
    code = (
        "import sys; sys.path.insert(0, %r); import runpy; "
        "runpy.run_module('someapp._vendor.secureshim', run_name='__main__')" % app_dir
    )
    proc = subprocess.Popen(
        _python() + ["-c", code, "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=app_dir,
    )
    out, err = proc.communicate()
    data = json.loads(out.decode("utf-8"))
    assert proc.returncode == data["exit_code"], err
    assert data["secureshim"]["module"] == "someapp._vendor.secureshim"
    assert data["secureshim"]["path"].startswith(app_dir)


def test_vendored_copy_honours_secureshim_force(tmp_path):
    # -E hides SECURESHIM_FORCE from Python's own options only; the package
    # reads os.environ, which -E does not touch.
    app_dir = vendor(tmp_path)
    result = run_smoke(app_dir, {"SECURESHIM_FORCE": "compare_digest=python"})
    entry = [e for e in result["report"]["primitives"] if e["name"] == "compare_digest"][0]
    assert entry["tier"] == "python" and entry["degraded"]
    assert result["done"]["compare_digest"] is True
    assert any(category == "DegradedSecurityWarning" and message.startswith("compare_digest")
               for category, message in result["warnings"])
