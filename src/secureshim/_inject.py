"""inject_into_stdlib / extract_from_stdlib: make unmodified code find the names.

Legacy code calls ``ssl.match_hostname`` (gone in 3.12),
``hmac.compare_digest`` (missing before 2.7.7) or ``hashlib.pbkdf2_hmac``
(missing before 2.7.8 and on 3.12+ builds without OpenSSL) through the
stdlib modules themselves. :func:`inject_into_stdlib` adds secureshim's
implementation under each name that the interpreter lacks, and
:func:`extract_from_stdlib` puts every module back as it was.

What it touches (docs/injection.md has the table):

========================  ==============================  ============
module attribute          secureshim name                 replaceable
========================  ==============================  ============
hmac.compare_digest       compare_digest                  yes
hashlib.pbkdf2_hmac       pbkdf2_hmac                     yes
hashlib.algorithms_*      algorithms_guaranteed/_avail.   no
os.urandom                urandom                         yes
ssl.match_hostname        match_hostname                  yes
ssl.create_default_context  create_default_context        yes
ssl.CertificateError      CertificateError                no
ssl.SSLContext            SSLContext                      no
ssl.wrap_socket           wrap_socket                     always
ssl.RAND_pseudo_bytes     (_ssl_names) RAND_pseudo_bytes  no
ssl.PROTOCOL_TLSv1*       (_ssl_names) PROTOCOL_TLSv1*    no
========================  ==============================  ============

A name the module already has is left alone, unless ``replace_native=True``
and it is *replaceable*: a function whose secureshim tier is not
``native`` (a ``native`` tier is the stdlib's own object, or a thin wrapper
that calls it through the module, so putting it back into the module would
at best change nothing and at worst recurse). Classes and the algorithm sets
are only ever added, never replaced: ``except ssl.CertificateError`` and
``isinstance(ctx, ssl.SSLContext)`` must keep matching what the stdlib
itself raises and creates. ``os.urandom`` always exists, so it changes only
with ``replace_native=True`` on an interpreter whose secureshim tier is
``fd`` (Python 2.7 before 2.7.9). ``ssl.wrap_socket`` is replaceable
whatever the tier: secureshim's never calls the module's (on the
``legacy`` tier it holds the original, taken before any injection), and
it is the hardened one. The ``PROTOCOL_TLSv1*`` constants are added one by
one, each where that name is missing, and only where the stdlib's own
negotiating context refuses anything below TLS 1.2 (3.10+): they are the
int ``PROTOCOL_TLS``, which older stdlibs negotiate down to TLS 1.0.
"""
from __future__ import absolute_import, division, print_function

import importlib
import sys
import threading

from ._typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from typing import Any, Dict, List, Tuple  # noqa: F401

__all__ = ["inject_into_stdlib", "extract_from_stdlib"]

# (module, attribute, secureshim name or "private module:name", primitive
# whose tier decides whether a native name may be replaced; None: never
# replaced; True: always replaceable).
TARGETS = (
    ("hmac", "compare_digest", "compare_digest", "compare_digest"),
    ("hashlib", "pbkdf2_hmac", "pbkdf2_hmac", "pbkdf2_hmac"),
    ("hashlib", "algorithms_guaranteed", "algorithms_guaranteed", None),
    ("hashlib", "algorithms_available", "algorithms_available", None),
    ("os", "urandom", "urandom", "urandom"),
    ("ssl", "match_hostname", "match_hostname", "match_hostname"),
    ("ssl", "CertificateError", "CertificateError", None),
    ("ssl", "create_default_context", "create_default_context", "create_default_context"),
    ("ssl", "SSLContext", "SSLContext", None),
    # Removed in 3.12 (gh-94199).
    ("ssl", "wrap_socket", "wrap_socket", True),
    ("ssl", "RAND_pseudo_bytes", "_ssl_names:RAND_pseudo_bytes", None),
    # Missing where CPython is built against OpenSSL 4.0 (gh-146207);
    # added only where the stdlib's negotiating context has a TLS 1.2
    # floor (3.10+), see _ssl_names.
    ("ssl", "PROTOCOL_TLSv1", "_ssl_names:PROTOCOL_TLSv1", None),
    ("ssl", "PROTOCOL_TLSv1_1", "_ssl_names:PROTOCOL_TLSv1_1", None),
    ("ssl", "PROTOCOL_TLSv1_2", "_ssl_names:PROTOCOL_TLSv1_2", None),
)  # type: Tuple[Tuple[str, str, str, object], ...]


class _Missing(object):
    """Marks an attribute that did not exist before injection."""

    def __repr__(self):
        # type: () -> str
        return "<missing>"


MISSING = _Missing()

_lock = threading.Lock()
# (module, attribute) -> (what was there before, or MISSING; what we put there)
_saved = {}  # type: Dict[Tuple[str, str], Tuple[object, object]]


def _secureshim():
    # type: () -> Any
    return sys.modules[__name__.rpartition(".")[0]]


def _source(shim, source):
    # type: (Any, str) -> Any
    private, sep, name = source.rpartition(":")
    if not sep:
        return getattr(shim, name)
    # The private module decides whether this interpreter gets the name
    # (None: it does not); see _ssl_names.for_stdlib.
    return importlib.import_module("." + private, shim.__name__).for_stdlib(name)


def _module(name):
    # type: (str) -> Any
    try:
        return importlib.import_module(name)
    except ImportError:  # ssl on a Python built without OpenSSL
        return None


def inject_into_stdlib(replace_native=False):
    # type: (bool) -> List[str]
    """Add secureshim's implementations to ``hmac``, ``hashlib``, ``ssl`` and ``os``.

    Only names the stdlib module lacks are added (for example
    ``ssl.match_hostname``, ``ssl.wrap_socket`` and ``ssl.RAND_pseudo_bytes``
    on Python 3.12+, or the ``ssl.PROTOCOL_TLSv1*`` constants where CPython
    is built against OpenSSL 4.0), so code that looks them up
    through the stdlib runs unmodified. With ``replace_native=True``, native
    functions for which secureshim uses a different implementation are
    replaced too (for example ``ssl.match_hostname`` on 3.11 by secureshim's
    stricter one, ``ssl.wrap_socket`` on 3.11 by secureshim's hardened
    one, or CPython 2.7's pure-Python ``hashlib.pbkdf2_hmac`` by
    secureshim's OpenSSL tier); classes and constants are never replaced.

    Idempotent: calling it again changes nothing that it already changed.
    Imports ``ssl``. Returns the ``"module.attribute"`` names this call
    changed, sorted.
    """
    shim = _secureshim()
    try:
        tiers = shim.backends()  # type: Dict[str, str]
    except ImportError:  # no ssl module: the TLS layer cannot load
        from . import _detect

        tiers = dict(_detect.CHOSEN)
    changed = []  # type: List[str]
    with _lock:
        for module_name, attr, source, primitive in TARGETS:
            try:
                value = _source(shim, source)
            except (AttributeError, ImportError):  # not in this build, or no ssl
                continue
            if value is None:  # e.g. no SSLContext without the ssl module
                continue
            module = _module(module_name)
            if module is None:
                continue
            key = (module_name, attr)
            current = getattr(module, attr, MISSING)
            if key in _saved:
                continue  # already ours (or since changed by someone else)
            if current is value:
                continue
            if current is not MISSING:
                if not replace_native or primitive is None:
                    continue
                if primitive is not True and tiers.get(str(primitive), "native") == "native":
                    continue
            _saved[key] = (current, value)
            setattr(module, attr, value)
            changed.append("%s.%s" % key)
    return sorted(changed)


def extract_from_stdlib():
    # type: () -> List[str]
    """Undo :func:`inject_into_stdlib`: restore every name it changed.

    A name that did not exist before is deleted again; a replaced one gets
    its original object back. A name that other code has reassigned since
    the injection is left as that code set it. Returns the
    ``"module.attribute"`` names restored, sorted.
    """
    restored = []  # type: List[str]
    with _lock:
        for key in sorted(_saved):
            original, injected = _saved.pop(key)
            module = sys.modules.get(key[0])
            if module is None or getattr(module, key[1], MISSING) is not injected:
                continue
            if original is MISSING:
                delattr(module, key[1])
            else:
                setattr(module, key[1], original)
            restored.append("%s.%s" % key)
    return restored


def injected():
    # type: () -> Dict[str, bool]
    """``{"module.attribute": replaced}`` for each name currently injected.

    ``replaced`` is True when the name existed before (``replace_native``).
    """
    with _lock:
        return dict(
            ("%s.%s" % key, original is not MISSING)
            for key, (original, _) in _saved.items()
        )
