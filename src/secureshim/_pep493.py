"""PEP 476 and PEP 493: the stdlib's default HTTPS context, and turning it off.

PEP 476 (2.7.9, 3.4.3) made the stdlib's HTTPS clients verify certificates
through ``ssl._create_default_https_context``; ``ssl._create_unverified_context``
is its documented opt-out. PEP 493 added, for redistributors of 2.7, a
runtime switch (``ssl._https_verify_certificates``, upstream 2.7.12+), the
``PYTHONHTTPSVERIFY`` environment variable (upstream 2.7.12+, read when
``ssl`` is imported) and a configuration file
(``/etc/python/cert-verification.cfg``, RHEL/CentOS only).

This module gives every interpreter the same three, without touching
anything at import:

* :func:`create_unverified_context` warns with
  :class:`~secureshim.UnverifiedContextWarning` every time it is called;
* :func:`https_verify_certificates` is the runtime switch (the stdlib's
  own where it has one);
* :func:`apply_https_verify_policy` applies the variable and the file
  when called, the variable winning, and warns whenever the result
  disables verification;
* :func:`https_verify_state` reports the effective state and what decided
  it.

None of it affects :func:`secureshim.create_default_context`, which always
verifies: PEP 493 governs the stdlib's default HTTPS context only.
"""
from __future__ import absolute_import, division, print_function

import collections
import errno
import io
import os
import ssl
import sys
import warnings

from . import _detect, _files, _tls, _tls_base
from ._typing import TYPE_CHECKING
from .exceptions import (
    InsecurePlatformWarning,
    SecureShimWarning,
    UnverifiedContextWarning,
)

if TYPE_CHECKING:  # pragma: no cover
    from typing import Any, Dict, Optional, Tuple  # noqa: F401

try:
    import configparser
except ImportError:  # Python 2
    import ConfigParser as configparser  # type: ignore[import-not-found,no-redef]

ENV_VAR = "PYTHONHTTPSVERIFY"
CONFIG_FILE = "/etc/python/cert-verification.cfg"
# The file is a few lines of ini; anything much larger is not it.
CONFIG_LIMIT = 64 * 1024

class HTTPSVerifyState(collections.namedtuple("HTTPSVerifyState", "verify decided_by detail")):
    """The stdlib's default HTTPS verification: ``(verify, decided_by, detail)``.

    ``verify`` is True when the stdlib's HTTPS clients verify certificates
    by default. ``decided_by`` is ``"default"``, ``"environment"``
    (PYTHONHTTPSVERIFY), ``"config-file"``, ``"runtime"``
    (:func:`https_verify_certificates`), ``"platform"`` (the stdlib cannot
    verify at all: no ``ssl.SSLContext``) or ``"external"`` (some other
    code replaced ``ssl._create_default_https_context``). ``detail`` says
    more.
    """

    __slots__ = ()

# ssl._create_unverified_context and _create_default_https_context: 2.7.9+
# (PEP 476) and 3.4.3+.
_HAS_HOOK = bool(_detect.ssl_flags().HAS_DEFAULT_HTTPS_CONTEXT)
# ssl._https_verify_certificates: 2.7.12+ (PEP 493); never in 3.x.
_HAS_SWITCH = bool(_detect.ssl_flags().HAS_HTTPS_VERIFY_SWITCH)

# The last decision taken here: (hook installed, decided_by, detail).
_decision = None  # type: Optional[Tuple[Any, str, str]]


def create_unverified_context(protocol=None, cert_reqs=None, check_hostname=False,
                              purpose=None, certfile=None, keyfile=None,
                              cafile=None, capath=None, cadata=None):
    # type: (Any, Any, bool, Any, Any, Any, Any, Any, Any) -> Any
    """A context that does not verify certificates (PEP 476's opt-out).

    ``ssl._create_unverified_context``'s signature and result; warns with
    :class:`~secureshim.UnverifiedContextWarning` on every call. On the
    compatibility tiers it returns their ``SSLContext`` with
    ``CERT_NONE``.
    """
    warnings.warn(
        "create_unverified_context: this TLS context does NOT verify "
        "certificates or host names; anyone on the network path can read "
        "and change the traffic. Fix: use secureshim.create_default_context() "
        "(with cafile= for a private CA).",
        UnverifiedContextWarning,
        stacklevel=2,
    )
    if purpose is None:
        purpose = _tls_base.Purpose.SERVER_AUTH
    # The TLS tier is chosen here, at the first call, not when this module
    # loads: reading https_verify_state needs no TLS tier.
    if _HAS_HOOK and _tls.PRIMITIVE.choose().name == "native":
        # cert_reqs=None means "the protocol's default" to the stdlib, which
        # is CERT_REQUIRED for 3.10+'s PROTOCOL_TLS_CLIENT: be explicit.
        kwargs = dict(
            cert_reqs=ssl.CERT_NONE if cert_reqs is None else cert_reqs,
            check_hostname=check_hostname, purpose=purpose,
            certfile=certfile, keyfile=keyfile, cafile=cafile, capath=capath, cadata=cadata,
        )  # type: Dict[str, Any]
        if protocol is not None:
            kwargs["protocol"] = protocol
        return ssl._create_unverified_context(**kwargs)
    _tls_base.is_server_auth(purpose)
    context = _tls.PRIMITIVE.get("SSLContext")(_tls_base.PROTOCOL_TLS if protocol is None else protocol)
    context.check_hostname = check_hostname
    context.verify_mode = ssl.CERT_NONE if cert_reqs is None else cert_reqs
    if keyfile and not certfile:
        raise ValueError("certfile must be specified")
    if certfile or keyfile:
        context.load_cert_chain(certfile, keyfile)
    if cafile or capath or cadata:
        context.load_verify_locations(cafile, capath, cadata)
    elif context.verify_mode != ssl.CERT_NONE:
        context.load_default_certs(purpose)
    return context


def _unverified_https_context(*args, **kwargs):
    # type: (*Any, **Any) -> Any
    """The stdlib's default HTTPS context while verification is off:
    ``ssl._create_unverified_context``, with a warning at every use."""
    warnings.warn(
        "HTTPS certificate verification is disabled for the stdlib's HTTPS "
        "clients (PEP 493: %s); this connection is not verified. Fix: "
        "unset PYTHONHTTPSVERIFY=0, or call "
        "secureshim.https_verify_certificates(True)." % _describe_decision(),
        UnverifiedContextWarning,
        stacklevel=2,
    )
    return ssl._create_unverified_context(*args, **kwargs)


def _describe_decision():
    # type: () -> str
    if _decision is None:
        return "unknown"
    return "%s, %s" % (_decision[1], _decision[2])


def _install(enable, decided_by, detail):
    # type: (bool, str, str) -> None
    global _decision
    if not _HAS_HOOK:
        # 2.7.0-2.7.8: httplib never verifies and has no hook to change.
        _decision = (None, decided_by, detail)
        if enable:
            warnings.warn(
                "https_verify_certificates: the stdlib's HTTPS clients on this "
                "interpreter cannot verify certificates at all (no "
                "ssl.SSLContext). Fix: pass a context from "
                "secureshim.create_default_context() to your HTTP client, or "
                "upgrade to Python >= 2.7.9.",
                InsecurePlatformWarning,
                stacklevel=3,
            )
        return
    if _HAS_SWITCH:
        ssl._https_verify_certificates(enable)  # type: ignore[attr-defined]
    elif enable:
        ssl._create_default_https_context = ssl.create_default_context
    else:
        ssl._create_default_https_context = _unverified_https_context
    _decision = (ssl._create_default_https_context, decided_by, detail)
    if not enable:
        warnings.warn(
            "HTTPS certificate verification is now DISABLED for the stdlib's "
            "HTTPS clients (urllib, http.client) by %s (%s): they accept any "
            "certificate. Fix: unset PYTHONHTTPSVERIFY=0, set verify=enable "
            "in %s, or call secureshim.https_verify_certificates(True)."
            % (decided_by, detail, CONFIG_FILE),
            UnverifiedContextWarning,
            stacklevel=3,
        )


def https_verify_certificates(enable=True):
    # type: (bool) -> None
    """PEP 493's runtime switch for the stdlib's default HTTPS context.

    ``True`` makes ``urllib``/``http.client`` verify certificates by default
    (``ssl.create_default_context``), ``False`` stops them (and warns, now
    and at every connection). Uses ``ssl._https_verify_certificates`` where
    the interpreter has it (2.7.12+).
    """
    _install(bool(enable), "runtime", "https_verify_certificates(%r)" % bool(enable))


def _read_config(path):
    # type: (str) -> Tuple[Optional[bool], str, bool]
    """PEP 493's file: ``[https] verify = enable | disable | platform_default``.

    Returns ``(setting or None, why, garbage)``. A missing file, or one
    without ``[https] verify``, leaves the decision to the default. So does
    a file that is not a configuration (not a regular file, a FIFO or a
    device included; larger than ``CONFIG_LIMIT``; unreadable; not UTF-8;
    not ini; an unknown value), and ``garbage`` is then True. Never waits:
    a FIFO is opened without blocking and refused.
    """
    try:
        data = _files.read_regular(path, CONFIG_LIMIT)
    except (IOError, OSError) as exc:
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            return None, "%s not found" % path, False
        return None, "%s cannot be read (%s), ignored" % (path, exc.strerror or exc), True
    except _files.NotReadable as exc:
        return None, "%s %s, ignored" % (path, exc), True
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, "%s is not UTF-8 text (byte %d), ignored" % (path, exc.start), True
    parser = configparser.RawConfigParser()
    try:
        read_string = getattr(parser, "read_string", None)  # 3.2+
        if read_string is not None:
            read_string(text, path)
        else:  # 2.7
            parser.readfp(io.StringIO(text), path)
    except configparser.Error as exc:
        return None, "%s is not valid ini (%s), ignored" % (path, exc.__class__.__name__), True
    try:
        value = parser.get("https", "verify").strip().lower()
    except (configparser.NoSectionError, configparser.NoOptionError):
        return None, "%s has no [https] verify" % path, False
    if value == "enable":
        return True, "%s: verify=enable" % path, False
    if value == "disable":
        return False, "%s: verify=disable" % path, False
    if value == "platform_default":
        return True, "%s: verify=platform_default (verify)" % path, False
    return None, "%s: unknown verify='%s', ignored" % (path, " ".join(value.split())[:60]), True


def apply_https_verify_policy(config_path=CONFIG_FILE):
    # type: (str) -> HTTPSVerifyState
    """Apply PEP 493's policy to the stdlib's default HTTPS context.

    ``PYTHONHTTPSVERIFY`` (ignored under ``python -E``): ``0`` disables
    verification, any other non-empty value enables it. Otherwise the file
    at ``config_path`` decides (``[https]`` ``verify`` = ``enable`` |
    ``disable`` | ``platform_default``, unknown values ignored), otherwise
    the default: verify. A file that is not a valid configuration (not a
    regular file, too large, not UTF-8 text, not ini, an unknown value) is
    ignored with a :class:`~secureshim.SecureShimWarning`, and verification
    stays on. Nothing happens until this is called. Warns when the result
    disables verification; returns :func:`https_verify_state`.
    """
    value = None if sys.flags.ignore_environment else os.environ.get(ENV_VAR)
    if value:
        _install(value != "0", "environment", "%s=%s" % (ENV_VAR, value))
    else:
        setting, why, garbage = _read_config(config_path)
        if garbage:
            warnings.warn(
                "apply_https_verify_policy: %s; the stdlib's HTTPS clients "
                "verify certificates (the default). Fix: correct or remove "
                "the file (PEP 493: [https] verify = enable | disable | "
                "platform_default)." % why,
                SecureShimWarning,
                stacklevel=2,
            )
        if setting is None:
            _install(True, "default", why)
        else:
            _install(setting, "config-file", why)
    return https_verify_state()


def https_verify_state():
    # type: () -> HTTPSVerifyState
    """The stdlib's default HTTPS verification now, and what decided it."""
    if not _HAS_HOOK:
        return HTTPSVerifyState(
            False, "platform",
            "no ssl.SSLContext: the stdlib's HTTPS clients cannot verify certificates",
        )
    hook = ssl._create_default_https_context
    unverified = (_unverified_https_context, getattr(ssl, "_create_unverified_context", None))
    verify = hook not in unverified
    if _decision is not None and _decision[0] is hook:
        return HTTPSVerifyState(verify, _decision[1], _decision[2])
    if hook is ssl.create_default_context:
        return HTTPSVerifyState(True, "default", "ssl.create_default_context (PEP 476)")
    env = None if sys.flags.ignore_environment else os.environ.get(ENV_VAR)
    if not verify and _HAS_SWITCH and env == "0":
        # 2.7.12+ read the variable itself when ssl was imported.
        return HTTPSVerifyState(False, "environment", "%s=0, read by ssl at import" % ENV_VAR)
    return HTTPSVerifyState(
        verify, "external",
        "ssl._create_default_https_context was replaced by %r" % (hook,),
    )
