"""The security posture of this interpreter, as one report.

:func:`collect` gathers it into a dict of plain JSON types (the schema is
``docs/diagnostics.schema.json``; ``SCHEMA_VERSION`` changes only when a
field is removed, renamed or changes meaning); the command line
(``secureshim._cli.report``) formats it for a terminal. Nothing here
changes the interpreter: it reads flags, files under /proc and the stdlib's
own state, and it never runs pip or opens a network connection.

The verdict is the worst severity among the findings:

* ``INSECURE`` (exit code 2): something connects or compares without the
  protection callers rely on: the stdlib's HTTPS clients do not verify
  certificates (PEP 476/493), no TLS 1.2, or secureshim's default context
  does not verify.
* ``DEGRADED`` (exit code 1): protection is there but weaker or fails
  closed: a primitive on a degraded tier, no TLS 1.3, no SNI, a default
  context that accepts TLS 1.0/1.1, no CA certificates.
* ``OK`` (exit code 0): none of the above.
"""
from __future__ import absolute_import, division, print_function

import glob
import hashlib
import importlib
import os
import platform
import sys
import warnings

from . import _detect, _files, _tier
from ._typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from typing import Any, Dict, List, Optional, Tuple  # noqa: F401

    Report = Dict[str, Any]

SCHEMA_VERSION = 1

OK, DEGRADED, INSECURE = "OK", "DEGRADED", "INSECURE"
EXIT_CODES = {OK: 0, DEGRADED: 1, INSECURE: 2}
_RANK = {OK: 0, DEGRADED: 1, INSECURE: 2}

# Protocol names from oldest to newest, as ssl.TLSVersion spells them, and
# their numbers on the wire (ssl.TLSVersion's values).
_VERSIONS = ("SSLv3", "TLSv1", "TLSv1_1", "TLSv1_2", "TLSv1_3")
_NUMBERED_VERSIONS = dict(zip((0x0300, 0x0301, 0x0302, 0x0303, 0x0304), _VERSIONS))


def _package():
    # type: () -> Any
    # The package this module belongs to, also when vendored under another name.
    return sys.modules[__name__.rpartition(".")[0]]


def _optional(name):
    # type: (str) -> Any
    """A public secureshim name, or None while this build does not have it."""
    try:
        return getattr(_package(), name)
    except (AttributeError, ImportError):  # not in this build, or no ssl module
        return None


def _backends():
    # type: () -> Dict[str, str]
    try:
        return dict(_package().backends())
    except ImportError:  # the TLS layer cannot load without an ssl module
        return dict(_detect.CHOSEN)


def _ssl():
    # type: () -> Any
    try:
        import ssl
    except ImportError:  # Python built without OpenSSL
        return None
    return ssl


# -- interpreter and platform -------------------------------------------------


def interpreter_info():
    # type: () -> Dict[str, Any]
    return {
        "implementation": platform.python_implementation(),
        "version": platform.python_version(),
        "build": " ".join(platform.python_build()),
        "compiler": platform.python_compiler(),
        "executable": sys.executable,
        "bits": 64 if sys.maxsize > 2 ** 32 else 32,
    }


def platform_info():
    # type: () -> Dict[str, Any]
    libc_name, libc_version = platform.libc_ver()
    return {
        "system": platform.system(),
        "release": platform.release(),
        "machine": platform.machine(),
        "platform": platform.platform(),
        "libc": ("%s %s" % (libc_name, libc_version)) if libc_name else None,
    }


def _features():
    # type: () -> Dict[str, Any]
    features = importlib.import_module(".features", _package().__name__)
    return dict(features.as_dict())


# -- OpenSSL and FIPS -----------------------------------------------------------


def openssl_flavour(version_text):
    # type: (Optional[str]) -> Optional[str]
    """``"OpenSSL"``, ``"LibreSSL"`` or ``"BoringSSL"`` from a version string."""
    if not version_text:
        return None
    for name in ("LibreSSL", "BoringSSL"):
        if name in version_text:
            return name
    return "OpenSSL"


def fips_info(proc_path="/proc/sys/crypto/fips_enabled"):
    # type: (str) -> Dict[str, Any]
    """FIPS mode, from the kernel's flag and from OpenSSL, where readable.

    ``enabled`` is True if either says so, False if one was readable and
    neither does, and None if neither could be read.
    """
    kernel = None  # type: Optional[bool]
    try:
        with open(proc_path) as handle:
            kernel = handle.read().strip() not in ("", "0")
    except (IOError, OSError):  # not Linux, or no crypto sysctl
        pass
    library = None  # type: Optional[bool]
    try:
        import _hashlib

        # _hashlib.get_fips_mode: 3.9+ (bpo-40637); OpenSSL 3's default
        # provider properties.
        get_fips_mode = getattr(_hashlib, "get_fips_mode", None)
        if get_fips_mode is not None:
            library = bool(get_fips_mode())
    except ImportError:  # hashlib without OpenSSL
        pass
    known = [flag for flag in (kernel, library) if flag is not None]
    return {
        "enabled": any(known) if known else None,
        "kernel": kernel,
        "openssl": library,
    }


def openssl_info():
    # type: () -> Dict[str, Any]
    ssl = _ssl()
    version = getattr(ssl, "OPENSSL_VERSION", None)
    info = getattr(ssl, "OPENSSL_VERSION_INFO", None)
    return {
        "available": ssl is not None,
        "version": version,
        "version_info": list(info) if info is not None else None,
        "flavour": openssl_flavour(version),
        "fips": fips_info(),
    }


# -- primitives -------------------------------------------------------------------


def primitives_info():
    # type: () -> List[Dict[str, Any]]
    """One entry per primitive: tier, why, and whether it is degraded.

    Read from each primitive's choice (see ``_tier``): a primitive is
    degraded when its choice armed a warning (the same rule that makes it
    warn at first use), and the warning texts are the reasons then.
    """
    entries = []
    for name, primitive in sorted(_tier.primitives().items()):
        try:
            choice = primitive.choose()
        except ImportError:  # the TLS layer cannot load without an ssl module
            tier, reason, messages = None, "no tier can run on this interpreter", []
        else:
            tier, reason, messages = choice.name, choice.reason, primitive.warnings()
        entries.append({
            "name": name,
            "tier": tier,
            "tiers": list(primitive.names),
            "forced": name in _detect.FORCED,
            "degraded": bool(messages) or tier is None,
            "reason": reason,
            "warnings": messages,
        })
    return entries


# -- TLS ----------------------------------------------------------------------------


def _version_name(value):
    # type: (Any) -> Optional[str]
    name = getattr(value, "name", None)
    return str(name) if name is not None else None


def _minimum_from_options(ssl, options):
    # type: (Any, int) -> str
    """The oldest protocol a context's OP_NO_* options still allow."""
    for version in _VERSIONS:
        flag = getattr(ssl, "OP_NO_" + version, 0)
        if not (flag and options & flag):
            return version
    return "none"


def default_context():
    # type: () -> Tuple[Any, Optional[str]]
    """secureshim's default client context (or the stdlib's), and its source."""
    ssl = _ssl()
    factory = _optional("create_default_context")
    source = "secureshim.create_default_context"
    if factory is None:
        factory = getattr(ssl, "create_default_context", None)
        source = "ssl.create_default_context"
    if factory is None:
        return None, None
    with warnings.catch_warnings():
        # A TrustStoreWarning about an empty store is reported as a finding.
        warnings.simplefilter("ignore")
        return factory(), source


# Bundles hold a few hundred kilobytes; far more is not a CA file.
_CA_FILE_LIMIT = 64 << 20


def _count_certs(kind, location):
    # type: (Optional[str], Optional[str]) -> Optional[int]
    if not location:
        return None
    if os.path.isdir(location):
        return sum(
            1 for entry in os.listdir(location)
            if len(entry) > 9 and entry[8] == "." and entry[9:].isdigit()
        )
    try:
        # A FIFO or device named by SSL_CERT_FILE must not hang the report.
        data = _files.read_regular(location, _CA_FILE_LIMIT)
    except (IOError, OSError, _files.NotReadable):
        return None
    return data.count(b"-----BEGIN CERTIFICATE-----")


def ca_info(context):
    # type: (Any) -> Dict[str, Any]
    """Where the default context's CA certificates come from, and how many.

    ``source`` and ``location`` are :func:`secureshim.ca_source`'s; ``count``
    is the number of certificates in that file, or of hashed entries in
    that directory (OpenSSL loads those lazily, so ``loaded``, the
    context's ``cert_store_stats()``, can be 0 for a working store).
    """
    loaded = None  # type: Optional[int]
    if context is not None and hasattr(context, "cert_store_stats"):
        loaded = int(context.cert_store_stats().get("x509_ca", 0))
    reporter = _optional("ca_source")
    kind = location = None  # type: Optional[str]
    if reporter is not None:
        source = reporter()
        kind, location = source[0], source[1]
    count = _count_certs(kind, location)
    if count is None or (loaded is not None and loaded > count):
        count = loaded
    return {
        "source": kind,
        "location": location,
        "count": count,
        "loaded": loaded,
    }


def tls_info():
    # type: () -> Dict[str, Any]
    ssl = _ssl()
    flags = _detect.ssl_flags()
    info = {
        "available": bool(flags.HAS_SSL),
        "sni": bool(flags.HAS_SNI),
        "tls1_2": bool(flags.HAS_TLSv1_2),
        "tls1_3": bool(flags.HAS_TLSv1_3),
        "hostname_checks_common_name": None,
        "default_context": None,
        "ca": None,
    }  # type: Dict[str, Any]
    if ssl is None:
        return info
    context, source = default_context()
    if context is None:
        return info
    minimum = None  # type: Optional[str]
    minimum_from = "options"
    # minimum_version: 3.7+, and secureshim's pyopenssl tier (ints before
    # 3.7). The legacy tier keeps the setting but cannot enforce it, so
    # its floor is what the options allow.
    if hasattr(context, "minimum_version") and _backends().get("create_default_context") != "legacy":
        value = context.minimum_version
        minimum = _version_name(value)
        if minimum is None and isinstance(value, int):
            minimum = _NUMBERED_VERSIONS.get(value)
        minimum_from = "minimum_version"
    if minimum in (None, "MINIMUM_SUPPORTED"):
        minimum = _minimum_from_options(ssl, int(getattr(context, "options", 0)))
        minimum_from = "options"
    verify_mode = getattr(context, "verify_mode", None)
    verify_names = dict(
        (getattr(ssl, name), name)
        for name in ("CERT_NONE", "CERT_OPTIONAL", "CERT_REQUIRED")
        if hasattr(ssl, name)
    )
    info["hostname_checks_common_name"] = getattr(
        context, "hostname_checks_common_name", None
    )
    info["default_context"] = {
        "source": source,
        "minimum_version": minimum,
        "minimum_version_from": minimum_from,
        "verify_mode": verify_names.get(verify_mode, str(verify_mode)),
        "check_hostname": bool(getattr(context, "check_hostname", False)),
    }
    info["ca"] = ca_info(context)
    return info


def https_verification():
    # type: () -> Dict[str, Any]
    """Whether the stdlib's HTTPS clients verify certificates (PEP 476/493).

    From :func:`secureshim.https_verify_state`: ``decided_by`` is
    ``default``, ``environment`` (PYTHONHTTPSVERIFY), ``config-file``,
    ``runtime`` (:func:`secureshim.https_verify_certificates`),
    ``platform`` (2.7 before 2.7.9: cannot verify at all) or ``external``
    (other code replaced ``ssl._create_default_https_context``); ``no-ssl``
    without an ssl module, ``unknown`` in a secureshim without the TLS
    layer.
    """
    if _ssl() is None:
        return {"enabled": None, "decided_by": "no-ssl", "detail": "no ssl module"}
    reporter = _optional("https_verify_state")
    if reporter is None:
        return {"enabled": None, "decided_by": "unknown",
                "detail": "this secureshim has no https_verify_state"}
    state = reporter()
    enabled, decided_by, detail = bool(state[0]), str(state[1]), str(state[2])
    env = None if sys.flags.ignore_environment else os.environ.get("PYTHONHTTPSVERIFY")
    ssl = _ssl()
    if env is not None and decided_by == "default" and not hasattr(ssl, "_https_verify_envvar"):
        # Only 2.7.12+ reads the variable itself (PEP 493); elsewhere it
        # takes secureshim.apply_https_verify_policy().
        detail += ("; PYTHONHTTPSVERIFY=%s is set but this interpreter ignores "
                   "it (secureshim.apply_https_verify_policy() would apply it)" % env)
    return {"enabled": enabled, "decided_by": decided_by, "detail": detail}


# -- hashlib, urandom, ensurepip --------------------------------------------------


def hashlib_info():
    # type: () -> Dict[str, Any]
    guaranteed = set(_package().algorithms_guaranteed)
    available = set(_package().algorithms_available)
    return {
        "native_sets": bool(_detect.HAS_ALGORITHMS_GUARANTEED),
        "algorithms_guaranteed": sorted(guaranteed),
        "algorithms_available": sorted(available),
        "only_available": sorted(available - guaranteed),
        "guaranteed_missing": sorted(
            name for name in guaranteed if not _hash_usable(name)
        ),
    }


def _hash_usable(name):
    # type: (str) -> bool
    try:
        hashlib.new(name)
    except ValueError:  # unknown here, or refused (FIPS mode refuses md5)
        return False
    return True


def urandom_source():
    # type: () -> Dict[str, str]
    """Where secureshim.urandom's bytes come from."""
    tier = _detect.CHOSEN.get("urandom")
    if tier == "getrandom":
        return {
            "source": "secureshim getrandom",
            "detail": "getrandom(2) called through ctypes, no descriptor",
        }
    if tier == "fd":
        return {
            "source": "secureshim fd",
            "detail": "one close-on-exec /dev/urandom descriptor kept by secureshim",
        }
    if not _detect.URANDOM_IS_C:
        return {
            "source": "per-call open",
            "detail": "os.urandom is Python code that opens /dev/urandom on every call",
        }
    if sys.platform == "win32":
        return {"source": "windows", "detail": "the Windows CSPRNG (BCryptGenRandom)"}
    if _detect.HAS_GETRANDOM:
        return {
            "source": "getrandom",
            "detail": "getrandom(2), which waits for the kernel pool at boot",
        }
    return {
        "source": "cached descriptor",
        "detail": "os.urandom's own cached /dev/urandom descriptor",
    }


def ensurepip_info():
    # type: () -> Dict[str, Any]
    """Is PEP 477's ``ensurepip`` here, and which pip does it bundle?

    Reads ``ensurepip._PIP_VERSION`` and looks for the wheel; never runs pip.
    """
    try:
        ensurepip = importlib.import_module("ensurepip")
    except ImportError:
        return {"available": False, "pip_version": None,
                "detail": "no ensurepip module (removed by the distribution, or before 2.7.9)"}
    version = getattr(ensurepip, "_PIP_VERSION", None)  # type: Optional[str]
    here = os.path.dirname(os.path.abspath(str(ensurepip.__file__)))
    wheels = glob.glob(os.path.join(here, "_bundled", "pip-*.whl"))
    pkg_dir = _wheel_pkg_dir()
    if pkg_dir:
        wheels += glob.glob(os.path.join(pkg_dir, "pip-*.whl"))
    if not wheels:
        return {"available": False, "pip_version": version,
                "detail": "ensurepip is present but its pip wheel is missing "
                          "(some distributions remove it; e.g. install python3-venv)"}
    if version is None:
        version = os.path.basename(sorted(wheels)[-1]).split("-")[1]
    return {"available": True, "pip_version": version,
            "detail": os.path.basename(sorted(wheels)[-1])}


def _wheel_pkg_dir():
    # type: () -> Optional[str]
    try:
        import sysconfig
    except ImportError:  # 2.6-era layouts; 2.7 has it
        return None
    value = sysconfig.get_config_var("WHEEL_PKG_DIR")
    return str(value) if value else None


# -- verdict ------------------------------------------------------------------------


def findings(report):
    # type: (Report) -> List[Dict[str, str]]
    """Every problem in ``report``, each ``{"severity", "topic", "message"}``."""
    out = []  # type: List[Dict[str, str]]

    def add(severity, topic, message):
        # type: (str, str, str) -> None
        out.append({"severity": severity, "topic": topic, "message": message})

    for entry in report["primitives"]:
        if entry["tier"] is None:
            add(DEGRADED, entry["name"], "%s: %s" % (entry["name"], entry["reason"]))
        for message in entry["warnings"]:
            add(DEGRADED, entry["name"], message)
    https = report["https_verification"]
    if https["enabled"] is False:
        add(INSECURE, "https_verification",
            "the stdlib's HTTPS clients do not verify certificates (%s: %s)"
            % (https["decided_by"], https["detail"]))
    tls = report["tls"]
    if not tls["available"]:
        add(DEGRADED, "tls", "no ssl module: this interpreter cannot make TLS connections")
        return out
    if not tls["tls1_2"]:
        add(INSECURE, "tls", "TLS 1.2 is not available (OpenSSL older than 1.0.1)")
    elif not tls["tls1_3"]:
        add(DEGRADED, "tls", "TLS 1.3 is not available (needs OpenSSL 1.1.1+ and 2.7.15+/3.7+)")
    if not tls["sni"]:
        add(DEGRADED, "tls", "no SNI: servers that host several names may present the wrong certificate")
    context = tls["default_context"]
    if context is not None:
        if context["verify_mode"] != "CERT_REQUIRED" or not context["check_hostname"]:
            add(INSECURE, "tls",
                "the default context does not verify certificates and host names "
                "(verify_mode=%s, check_hostname=%s)"
                % (context["verify_mode"], context["check_hostname"]))
        minimum = context["minimum_version"]
        if minimum in _VERSIONS and _VERSIONS.index(minimum) < _VERSIONS.index("TLSv1_2"):
            add(DEGRADED, "tls",
                "the default context accepts %s (older than TLS 1.2)" % minimum)
    ca = tls["ca"]
    if ca is not None and ca["source"] == "none":
        add(DEGRADED, "tls", "no CA certificates found: every verified connection will fail")
    return out


def verdict_of(found):
    # type: (List[Dict[str, str]]) -> str
    worst = OK
    for item in found:
        if _RANK[item["severity"]] > _RANK[worst]:
            worst = item["severity"]
    return worst


def collect():
    # type: () -> Report
    """The whole report, as plain JSON types."""
    package = _package()
    report = {
        "schema_version": SCHEMA_VERSION,
        "secureshim": {
            "version": getattr(package, "__version__", None),
            "module": package.__name__,
            "path": os.path.dirname(os.path.abspath(str(package.__file__))),
        },
        "interpreter": interpreter_info(),
        "features": _features(),
        "platform": platform_info(),
        "openssl": openssl_info(),
        "primitives": primitives_info(),
        "tls": tls_info(),
        "https_verification": https_verification(),
        "hashlib": hashlib_info(),
        "urandom": urandom_source(),
        "ensurepip": ensurepip_info(),
    }  # type: Report
    found = findings(report)
    report["findings"] = found
    report["verdict"] = verdict_of(found)
    report["exit_code"] = EXIT_CODES[report["verdict"]]
    return report
