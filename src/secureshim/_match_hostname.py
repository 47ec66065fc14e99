"""match_hostname: RFC 6125 host name checking, one implementation everywhere.

Tier: ``python`` only. ``ssl.match_hostname`` is gone from 3.12 (gh-94199)
and its behaviour differs between the versions that have it (2.7 accepts
partial wildcards such as ``ba*.example.com`` and ``*`` for ``com``, and
cannot match IP addresses; 3.11 matches an IP hostname against the
commonName), so secureshim always uses its own implementation, which follows
the rules OpenSSL's ``X509_check_host`` applies when ``check_hostname`` is on.

Rules (docs/match_hostname.md explains each, and every deviation):

* DNS names compare as case-insensitive ASCII; one trailing dot on either
  side is ignored. A certificate name that is not ASCII never matches.
* A wildcard is only ever the whole left-most label ``*``; it matches one
  non-empty label of letters, digits and hyphens, and only when at least two
  labels follow it, all of them letters, digits and inner hyphens.
* A hostname that is an IPv4 or IPv6 literal (parsed strictly, here, without
  ``ipaddress`` or ``inet_pton``) matches only ``IP Address`` entries,
  compared by value, never a DNS name nor the commonName.
* The commonName is used only when there is no DNS and no IP Address entry,
  and never with ``hostname_checks_common_name=False``.
* A non-ASCII hostname is converted to A-labels with IDNA 2008 (UTS 46) by
  the ``idna`` package when it is installed, else with the stdlib's IDNA
  2003 codec (``features.IDNA_BACKEND`` says which).

Speed: a name that cannot be an IP literal (no ``:``, last character not a
digit) is never parsed as one, and a wildcard is validated only once its
suffix has already compared equal.
"""
from __future__ import absolute_import, division, print_function

import re
from itertools import islice

from . import _detect, _tier, _warn
from ._compat import PY2, exact
from ._typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, Tuple  # noqa: F401

# CertificateError is the ssl module's own class wherever it has one, so
# that ``except ssl.CertificateError`` keeps working.
try:
    # 3.7+: ssl.CertificateError is an alias of SSLCertVerificationError (an
    # SSLError and a ValueError), defined by _ssl; taking it from there
    # leaves out ssl.py itself (2.6 ms instead of 7-13 ms).
    from _ssl import SSLCertVerificationError as CertificateError
except ImportError:
    try:
        # 2.7.9+ and 3.2-3.6: a ValueError subclass defined in ssl.py.
        from ssl import CertificateError
    except ImportError:  # no ssl module, or 2.7 before 2.7.9

        class CertificateError(ValueError):  # type: ignore[no-redef]
            """The certificate does not name the host (``ssl.CertificateError``)."""

if not issubclass(CertificateError, ValueError):
    # Pyodide's _ssl is a pure-Python stub (no OpenSSL under WebAssembly):
    # its SSLCertVerificationError is no ValueError and prints as an empty
    # string. A subclass keeps ``except ssl.CertificateError`` working and
    # restores the stdlib's ValueError base and message.
    _StubCertificateError = CertificateError

    class CertificateError(_StubCertificateError, ValueError):  # type: ignore[no-redef]
        """The certificate does not name the host (``ssl.CertificateError``)."""

        def __str__(self):
            # type: () -> str
            return Exception.__str__(self)



_NO_CERT = (
    "empty or no certificate, match_hostname needs a SSL socket or SSL "
    "context with either CERT_OPTIONAL or CERT_REQUIRED"
)

# A DNS name is at most 253 octets (RFC 1035 section 2.3.4), not counting
# one trailing dot, and every character of a hostname becomes at least one
# octet of its A-label form, so a longer hostname names nothing. It is
# refused before IP parsing or IDNA, whose cost grows with the input (the
# stdlib's IDNA 2003 codec took 0.3-0.65 s for 64k characters). The few
# names that UTS 46 would shrink to 253 octets by dropping ignored
# characters (soft hyphens, joiners) are refused too: failing closed.
MAX_HOSTNAME_LENGTH = 253

# The certificate side is bounded too, before any value is lowered, parsed
# or compared. A name pattern longer than a hostname plus a trailing dot
# can never match (a wildcard "*" stands for at least one character), and
# neither can an IP Address entry longer than the longest IPv6 text with
# room for whitespace (OpenSSL < 1.1 printed a newline after it): such
# entries are skipped, unread. At most MAX_NAMES entries of the
# subjectAltName (and as many relative names of the subject) are looked at;
# a longer list fails closed. A certificate that OpenSSL accepts from a
# peer fits in its 100 kB certificate-list limit, far fewer names.
MAX_PATTERN_LENGTH = MAX_HOSTNAME_LENGTH + 1
MAX_IP_LENGTH = 64
MAX_NAMES = 2048
# Names quoted in a mismatch message: a longer list is summarised.
_QUOTED_NAMES = 10

_DIGITS = frozenset("0123456789")
# Last characters that send a hostname off the fast path: a digit (maybe an
# IPv4 literal), a dot (absolute name) or nothing (empty hostname).
_SLOW_LAST = frozenset("0123456789.") | frozenset([""])

# Exactly four decimal octets, 0-255, without leading zeros: the one and
# only spelling of each address, so two strict IPv4 literals name the same
# address exactly when they are the same string.
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_IPV4 = re.compile(r"(?:%s\.){3}%s\Z" % (_OCTET, _OCTET))
_HEX_GROUP = re.compile(r"[0-9A-Fa-f]{1,4}\Z")
# What a wildcard stands for: one label of letters, digits and hyphens.
_LDH = "abcdefghijklmnopqrstuvwxyz0123456789-"
# The labels after a wildcard: two or more, letters, digits and inner
# hyphens (OpenSSL's valid_star); lowercase, as patterns are lowered first.
_WILD_SUFFIX = re.compile(r"(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?){2,}\Z")
# Verdicts of _WILD_SUFFIX by suffix: certificates repeat; bounded.
_suffix_ok = {}  # type: Dict[str, bool]
_SUFFIX_CACHE_SIZE = 512

# Text operations that raise TypeError for anything but text, so the loops
# need no isinstance test. Python 2 has two text types, and str.lower there
# follows the C locale, so it gets ASCII-only helpers.
if not PY2:
    _TEXT = (str,)  # type: Tuple[type, ...]
    _lower = str.lower
    _rstrip = str.rstrip
    _NON_ASCII = re.compile(u"[^\\x00-\\x7f]")

    def _isascii_re(text):
        # type: (str) -> bool
        return _NON_ASCII.search(text) is None

    # str.isascii: 3.7+.
    _isascii = getattr(str, "isascii", _isascii_re)  # type: Callable[[Any], bool]

else:  # pragma: no cover (Python 2)
    import string

    _TEXT = (str, unicode)  # type: ignore[name-defined]  # noqa: F821
    _ASCII_LOWER = string.maketrans(string.ascii_uppercase, string.ascii_lowercase)  # type: ignore[attr-defined]
    _NON_ASCII = re.compile(u"[^\\x00-\\x7f]")

    # The base types' own methods, called unbound: a subclass's overrides
    # must not decide what a name looks like.
    def _lower(text):
        # type: (Any) -> Any
        if isinstance(text, str):
            return str.translate(text, _ASCII_LOWER)
        if isinstance(text, unicode):  # noqa: F821
            return unicode.lower(text)  # noqa: F821
        raise TypeError("expected text, not %s" % type(text).__name__)

    def _rstrip(text):
        # type: (Any) -> Any
        for base in _TEXT:
            if isinstance(text, base):
                return base.rstrip(text)
        raise TypeError("expected text, not %s" % type(text).__name__)

    def _isascii(text):
        # type: (Any) -> bool
        return _NON_ASCII.search(text) is None


# The base types whose own slots read a caller's value, typed loosely:
# their methods are called unbound on instances of subclasses.
_TEXT_BASES = _TEXT  # type: Tuple[Any, ...]
_SEQUENCE_BASES = (tuple, list)  # type: Tuple[Any, ...]


def _as_base(value, bases):
    # type: (Any, Tuple[Any, ...]) -> Any
    """``value`` as exactly the first of ``bases`` it is an instance of
    (:func:`exact`), or unchanged if it is none of them."""
    for base in bases:
        if isinstance(value, base):
            return exact(value, base)
    return value


def _text_length(value):
    # type: (Any) -> int
    """``len(value)`` by the base type's own slot, -1 for non-text."""
    for base in _TEXT_BASES:
        if isinstance(value, base):
            return base.__len__(value)  # type: ignore[no-any-return]
    return -1


def _pair(entry):
    # type: (Any) -> Tuple[Any, Any]
    """``(key, value)`` of a subjectAltName entry or a name attribute.

    The key as exactly its base type, so that a subclass's ``__eq__`` cannot
    claim to be "DNS"; a tuple or list subclass through the base type's own
    slot, so that its ``__iter__`` cannot choose the pair. ``TypeError`` or
    ``ValueError`` for anything that is not a pair.
    """
    if type(entry) is not tuple:
        entry = _as_base(entry, _SEQUENCE_BASES)
    key, value = entry
    if type(key) is not str:
        key = _as_base(key, _TEXT_BASES)
    return key, value


def _parse_ipv4(text):
    # type: (Any) -> Optional[Tuple[int, ...]]
    """Four decimal octets, no leading zeros, nothing else; or None."""
    if _IPV4.match(text) is None:
        return None
    return tuple(map(int, text.split(".")))


def _parse_ipv6(text):
    # type: (Any) -> Optional[Tuple[int, ...]]
    """RFC 4291 section 2.2 text form as eight 16-bit groups; or None.

    One ``::`` at most, standing for at least one zero group; groups of one
    to four hex digits; an optional dotted IPv4 tail. No zone index, no
    brackets, no spaces.
    """
    head, sep, tail = text.partition("::")
    if "::" in tail:
        return None
    before = head.split(":") if head else []
    after = tail.split(":") if tail else []
    last = after if sep else before
    groups = []  # type: List[int]
    v4 = None
    if last and "." in last[-1]:
        v4 = _parse_ipv4(last[-1])
        if v4 is None:
            return None
        del last[-1]
    for part in before + after:
        if _HEX_GROUP.match(part) is None:
            return None
    explicit = len(before) + len(after) + (2 if v4 is not None else 0)
    if sep:
        if explicit > 7:
            return None
        groups = [int(part, 16) for part in before]
        groups.extend([0] * (8 - explicit))
        groups.extend(int(part, 16) for part in after)
    else:
        if explicit != 8:
            return None
        groups = [int(part, 16) for part in before]
    if v4 is not None:
        groups.append(v4[0] << 8 | v4[1])
        groups.append(v4[2] << 8 | v4[3])
    return tuple(groups)


def _parse_ip(text):
    # type: (Any) -> Optional[Tuple[int, ...]]
    """An IPv4 (4 octets) or IPv6 (8 groups) address, strictly; or None."""
    if ":" in text:
        return _parse_ipv6(text)
    return _parse_ipv4(text)


# IDNA: resolved on the first non-ASCII hostname, so that neither importing
# secureshim nor matching ASCII names imports the idna package.
def _idna_2003_applies():
    # type: () -> bool
    return _detect.idna_backend() == "stdlib"


_IDNA_2003 = _tier.Caveat(
    "idna",
    "secureshim's python tier converts non-ASCII hostnames with the stdlib's "
    "IDNA 2003 codec",
    reason="the idna package is not installed",
    weakness="IDNA 2003 maps some names (with sharp s, final sigma or "
    "joiners) to other hosts than IDNA 2008 does",
    fix="pip install idna",
    applies=_idna_2003_applies,
)
_idna_first_use = _warn.pending("match_hostname.idna")
_idna_ready = []  # type: List[bool]


def _idna2008(hostname):
    # type: (Any) -> Optional[str]
    import idna

    try:
        mapped = idna.uts46_remap(hostname, std3_rules=False, transitional=False)
        labels = []
        for label in mapped.split("."):
            if not _isascii(label):
                label = idna.alabel(label).decode("ascii")
            labels.append(label)
    except (UnicodeError, ValueError):  # idna.IDNAError is a UnicodeError
        return None
    return ".".join(labels)


def _idna2003(hostname):
    # type: (Any) -> Optional[str]
    if _idna_first_use:
        _warn.fire(_idna_first_use, stacklevel=6)  # match_hostname's caller
    try:
        return hostname.encode("idna").decode("ascii")  # type: ignore[no-any-return]
    except UnicodeError:
        return None


def _to_ascii(hostname):
    # type: (Any) -> Optional[str]
    """A non-ASCII hostname as A-labels, or None if it has no valid form."""
    if not _idna_ready:
        if _idna_2003_applies():
            # armed, not arm: threads racing this first use arm it once, so
            # it fires once.
            _warn.armed("match_hostname.idna", _IDNA_2003.message("match_hostname"),
                        _IDNA_2003.category)
        _idna_ready.append(True)
    if _detect.idna_backend() == "idna":
        return _idna2008(hostname)
    return _idna2003(hostname)


def _normalise(hostname):
    # type: (Any) -> Tuple[Optional[Tuple[int, ...]], Optional[str]]
    """The slow path: ``(ip, None)``, ``(None, name)`` or ``(None, None)``.

    ``name`` is lowercase ASCII without its trailing dot; ``(None, None)``
    means that no certificate can name this hostname.
    """
    text = hostname  # type: Any  # isinstance narrows text, hostname stays Any
    if not isinstance(text, _TEXT):
        raise TypeError(
            "match_hostname: hostname must be str, not %s" % type(hostname).__name__
        )
    # A subclass's own methods (lower, encode, __getitem__...) must not decide
    # what the hostname is: work on a copy of exactly the base type.
    if type(hostname) is not str:
        hostname = _as_base(hostname, _TEXT_BASES)
    if PY2 and type(hostname) is str and not _isascii(hostname):
        try:
            hostname = hostname.decode("utf-8")
        except UnicodeError:
            return None, None
    if len(hostname) > MAX_HOSTNAME_LENGTH + (hostname[-1:] == "."):
        return None, None
    changed = False
    if _isascii(hostname):
        if ":" in hostname or hostname[-1:] in _DIGITS:
            ip = _parse_ip(hostname)
            if ip is not None:
                return ip, None
        name = _lower(hostname)  # type: str
    else:
        alabels = _to_ascii(hostname)
        if alabels is None:
            return None, None
        name = alabels.lower()
        changed = True
    if PY2:
        name = str(name)
    if name[-1:] == ".":
        name = name[:-1]
        changed = True
    # Empty, or an empty last label ("example.com.."): no name at all.
    if not name or name[-1:] == ".":
        return None, None
    # An IP literal reached through a trailing dot or IDNA mapping (fullwidth
    # digits) is not a DNS name either: it matches nothing.
    if changed and (":" in name or name[-1:] in _DIGITS) and _parse_ip(name):
        return None, None
    return None, name


def _wildcard_ok(suffix, name):
    # type: (str, str) -> bool
    """``"*" + suffix`` is a valid wildcard and covers ``name``.

    ``name`` ends with ``suffix`` (what follows the ``*``, trailing dot
    removed); the rest of ``name`` must be one label that a wildcard can
    stand for, and ``suffix`` two or more labels (``_WILD_SUFFIX``).
    """
    first = name[: len(name) - len(suffix)]
    # strip() leaves nothing of a label made only of letters, digits and
    # hyphens; a dot (a second label) or anything else remains.
    if not first or first.strip(_LDH):
        return False
    valid = _suffix_ok.get(suffix)
    if valid is None:
        valid = _WILD_SUFFIX.match(suffix) is not None
        if len(_suffix_ok) < _SUFFIX_CACHE_SIZE:
            _suffix_ok[suffix] = valid
    return valid


def _wildcard_match(pattern, name):
    # type: (str, str) -> bool
    """``pattern`` (lowercased, starts with ``*``) covers ``name``."""
    suffix = pattern[1:]
    if suffix[-1:] == ".":
        suffix = suffix[:-1]
    return name.endswith(suffix) and _wildcard_ok(suffix, name)


def _dns_match(value, name, name_dot):
    # type: (Any, str, str) -> bool
    if _text_length(value) > MAX_PATTERN_LENGTH:
        return False
    try:
        pattern = _lower(value)
    except TypeError:
        return False
    if pattern == name or pattern == name_dot or (
        pattern[:1] == "*" and _wildcard_match(pattern, name)
    ):
        return _isascii(value)
    return False


def _pairs(items):
    # type: (Any) -> Iterable[Tuple[Any, Any]]
    """The well-formed ``(key, value)`` pairs of ``items``; skip the rest."""
    for item in _pairs_or_empty(items):
        try:
            key, value = _pair(item)
        except (TypeError, ValueError):
            continue
        yield key, value


def _pairs_or_empty(items):
    # type: (Any) -> Iterable[Any]
    """The first MAX_NAMES items of ``items`` (a tuple or list subclass
    through its base type's slot, never its own ``__iter__``)."""
    if type(items) is not tuple:
        items = _as_base(items, _SEQUENCE_BASES)
    try:
        iterator = iter(items)  # type: Iterator[Any]
    except TypeError:
        iterator = iter(())
    return islice(iterator, MAX_NAMES)


def _get(cert, key):
    # type: (Any, str) -> Any
    """``cert.get(key, ())``; a dict subclass through dict's own slot."""
    if isinstance(cert, dict):
        return dict.get(cert, key, ())
    return cert.get(key, ())


def _common_names(cert):
    # type: (Any) -> Iterable[Any]
    for rdn in _pairs_or_empty(_get(cert, "subject")):
        for key, value in _pairs(rdn):
            if key == "commonName":
                yield value


def _mismatch(cert, san, hostname, ip, checks_cn, names=None):
    # type: (Any, Tuple[Any, ...], Any, bool, bool, Optional[List[Any]]) -> CertificateError
    """The error for ``hostname``, naming what the certificate names.

    ``names``: the DNS and IP Address values, when the caller has them.
    """
    if names is None:
        names = [
            value for key, value in _pairs(san)
            if key == "IP Address" or (key == "DNS" and not ip)
        ]
    elif ip:
        names = [value for key, value in _pairs(san) if key == "IP Address"]
    if not names and not ip and checks_cn:
        names = list(_common_names(cert))
    if len(names) > 1:
        message = "hostname %r doesn't match either of %s" % (
            hostname,
            _quote(names),
        )
    elif names:
        message = "hostname %r doesn't match %s" % (hostname, _quote(names))
    elif ip:
        message = (
            "hostname %r doesn't match: the certificate has no subjectAltName "
            "IP Address entry" % (hostname,)
        )
    else:
        message = (
            "hostname %r doesn't match: no appropriate subjectAltName fields "
            "were found%s"
            % (hostname, "" if checks_cn else " (commonName checks are off)")
        )
    return CertificateError(message)


def _quote(names):
    # type: (List[Any]) -> str
    """The names for a message: the first few, each cut short, and a count."""
    quoted = []
    for value in names[:_QUOTED_NAMES]:
        for base in _TEXT_BASES:
            if isinstance(value, base) and base.__len__(value) > MAX_PATTERN_LENGTH:
                quoted.append(repr(base.__getitem__(value, slice(MAX_PATTERN_LENGTH))) + "...")
                break
        else:
            quoted.append(repr(value))
    if len(names) > _QUOTED_NAMES:
        quoted.append("and %d more" % (len(names) - _QUOTED_NAMES))
    return ", ".join(quoted)


def _match_ipv4(cert, san, hostname):
    # type: (Any, Tuple[Any, ...], str) -> None
    """``hostname`` is a strict IPv4 literal: compare it as a string."""
    for entry in san:
        try:
            key, value = _pair(entry)
        except (TypeError, ValueError):
            continue
        if key == "IP Address" and _text_length(value) <= MAX_IP_LENGTH:
            try:
                # rstrip: OpenSSL before 1.1 printed entries with a newline
                if _rstrip(value) == hostname:
                    return
            except TypeError:
                continue
    raise _mismatch(cert, san, hostname, True, False)


def _match_ip(cert, san, hostname, ip):
    # type: (Any, Tuple[Any, ...], Any, Tuple[int, ...]) -> None
    for entry in san:
        try:
            key, value = _pair(entry)
        except (TypeError, ValueError):
            continue
        if key == "IP Address" and _text_length(value) <= MAX_IP_LENGTH:
            try:
                text = _rstrip(value)
            except TypeError:
                continue
            if _parse_ip(text) == ip:
                return
    raise _mismatch(cert, san, hostname, True, False)


def match_hostname(cert, hostname, hostname_checks_common_name=True):
    # type: (Any, Any, bool) -> None
    """Check that ``cert`` (a ``getpeercert()`` dict) names ``hostname``.

    Returns None on a match and raises :class:`CertificateError` otherwise.
    RFC 6125 rules as OpenSSL applies them: case-insensitive ASCII DNS
    names, a trailing dot ignored on either side, wildcards only as the
    whole left-most label of a name with at least three labels, IP literals
    (strictly parsed) compared by value with ``IP Address`` entries only,
    non-ASCII hostnames converted to A-labels. The subject's commonName is
    consulted only when there is no DNS and no IP Address entry, and never
    when ``hostname_checks_common_name`` is false.

    Raises ``ValueError`` for a missing or empty ``cert`` and ``TypeError``
    for a ``hostname`` that is not text.
    """
    if not cert:
        raise ValueError(_NO_CERT)
    try:
        san = _get(cert, "subjectAltName")
    except AttributeError:
        raise TypeError(
            "match_hostname: cert must be the dict that getpeercert() returns, "
            "not %s" % type(cert).__name__
        )
    if type(san) is not tuple or len(san) > MAX_NAMES:
        san = tuple(_pairs_or_empty(san))
    if (
        type(hostname) is str
        and hostname[-1:] not in _SLOW_LAST
        and ":" not in hostname
        and len(hostname) <= MAX_HOSTNAME_LENGTH
    ):
        # Cannot be an IP literal: no IP parsing at all.
        if not _isascii(hostname):
            return _match_dns(cert, san, hostname, hostname_checks_common_name)
        name = _lower(hostname)
    elif type(hostname) is str and _IPV4.match(hostname) is not None:
        return _match_ipv4(cert, san, hostname)
    else:
        return _match_dns(cert, san, hostname, hostname_checks_common_name)
    name_dot = name + "."
    seen = []  # type: List[Any]  # every DNS and IP Address value, for the message
    for entry in san:
        try:
            # Exact tuples with exact str keys, as getpeercert() makes them,
            # are unpacked directly; anything else goes through _pair.
            if type(entry) is tuple:
                key, value = entry
                if type(key) is not str:
                    key, value = _pair(entry)
            else:
                key, value = _pair(entry)
        except (TypeError, ValueError):
            continue
        if key == "DNS":
            seen.append(value)
            if (len(value) if type(value) is str else _text_length(value)) > MAX_PATTERN_LENGTH:
                continue
            try:
                pattern = _lower(value)
            except TypeError:
                continue
            if pattern == name or pattern == name_dot:
                if _isascii(value):
                    return None
            elif pattern[:1] == "*":  # a one-character slice is not a new object
                # The cheap test first: the name must end with what follows
                # the "*"; only then is the wildcard's validity worth checking.
                suffix = pattern[1:]
                if suffix[-1:] == ".":
                    suffix = suffix[:-1]
                if name.endswith(suffix) and _wildcard_ok(suffix, name):
                    if _isascii(value):
                        return None
        elif key == "IP Address":
            seen.append(value)
    if len(seen) > 1:  # the usual mismatch, spelt out here for speed
        raise CertificateError(
            "hostname %r doesn't match either of %s" % (hostname, _quote(seen))
        )
    if not seen and hostname_checks_common_name:
        for value in _common_names(cert):
            if _dns_match(value, name, name_dot):
                return None
    raise _mismatch(cert, san, hostname, False, hostname_checks_common_name, seen)


def _match_dns(cert, san, hostname, checks_cn):
    # type: (Any, Tuple[Any, ...], Any, bool) -> None
    """The slow path: any hostname, with type checks, IDNA and IP parsing."""
    ip, name = _normalise(hostname)
    if ip is not None:
        return _match_ip(cert, san, hostname, ip)
    if name is not None:
        name_dot = name + "."
        seen = False
        for key, value in _pairs(san):
            if key == "DNS" or key == "IP Address":
                seen = True
                if key == "DNS" and _dns_match(value, name, name_dot):
                    return None
        if not seen and checks_cn:
            for value in _common_names(cert):
                if _dns_match(value, name, name_dot):
                    return None
    raise _mismatch(cert, san, hostname, False, checks_cn)


def _why_python():
    # type: () -> str
    if _detect.ssl_flags().HAS_MATCH_HOSTNAME:
        why = "ssl.match_hostname exists here but its rules differ between versions"
    else:
        why = "ssl.match_hostname is gone here (removed in 3.12)"
    return "secureshim's RFC 6125 rules, the same on every version; %s" % why


PRIMITIVE = _tier.Primitive("match_hostname", (
    _tier.Tier(
        "python",
        probe=_tier.always,
        bind=lambda: match_hostname,
        what="secureshim's RFC 6125 rules",
        why=_why_python,
        caveats=(_IDNA_2003,),
    ),
))
