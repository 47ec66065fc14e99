"""What a certificate chain lacks for OpenSSL's VERIFY_X509_STRICT.

Python 3.13's ``ssl.create_default_context()`` sets ``VERIFY_X509_STRICT``
(gh-107361), which makes OpenSSL enforce RFC 5280 rules that private CAs,
corporate proxies and old tooling often break. OpenSSL reports only the
first rule it finds broken, and ``ssl`` does not say in which certificate.
:func:`strict_problems` reads the DER of each certificate in the chain
(a small reader for the few fields involved; no dependency) and lists
every such rule broken, where, and the RFC 5280 section that states it.
"""
from __future__ import absolute_import, division, print_function

from .._typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from typing import Any, Dict, List, Optional, Tuple  # noqa: F401

# Extension OIDs, as the content octets of their DER encoding (2.5.29.x).
_BASIC_CONSTRAINTS = b"\x55\x1d\x13"
_KEY_USAGE = b"\x55\x1d\x0f"
_SUBJECT_KEY_ID = b"\x55\x1d\x0e"
_AUTHORITY_KEY_ID = b"\x55\x1d\x23"
_SUBJECT_ALT_NAME = b"\x55\x1d\x11"

_SEQUENCE, _BOOLEAN, _INTEGER, _BIT_STRING, _OCTET_STRING, _OID = 0x30, 0x01, 0x02, 0x03, 0x04, 0x06
_VERSION_TAG, _EXTENSIONS_TAG, _KEY_ID_TAG = 0xA0, 0xA3, 0x80
_KEY_CERT_SIGN = 5  # keyUsage bit (RFC 5280 4.2.1.3)


class DERError(ValueError):
    """The bytes are not the DER the reader expects."""


def _element(data, pos, end):
    # type: (bytearray, int, int) -> Tuple[int, int, int]
    """``(tag, content start, content end)`` of the DER element at ``pos``."""
    if pos + 2 > end:
        raise DERError("truncated at %d" % pos)
    tag, length = data[pos], data[pos + 1]
    pos += 2
    if length & 0x80:
        count = length & 0x7F
        if not 0 < count <= 4 or pos + count > end:
            raise DERError("bad length at %d" % pos)
        length = 0
        for byte in data[pos:pos + count]:
            length = length << 8 | byte
        pos += count
    if pos + length > end:
        raise DERError("element at %d runs past its container" % pos)
    return tag, pos, pos + length


def _children(data, start, end):
    # type: (bytearray, int, int) -> List[Tuple[int, int, int]]
    items = []
    while start < end:
        item = _element(data, start, end)
        items.append(item)
        start = item[2]
    return items


def parse(der):
    # type: (bytes) -> Dict[str, Any]
    """The fields of a DER certificate that the strict rules look at.

    ``version`` (1 or 3), ``subject_empty``, ``issuer_empty``,
    ``signature_consistent`` (the outer and inner signature algorithms are
    the same), and ``extensions``: OID octets -> ``(critical, value octets)``.
    Raises :class:`DERError`.
    """
    data = bytearray(der)
    tag, start, end = _element(data, 0, len(data))
    if tag != _SEQUENCE:
        raise DERError("not a certificate")
    parts = _children(data, start, end)
    if len(parts) != 3 or parts[0][0] != _SEQUENCE:
        raise DERError("not a certificate")
    fields = _children(data, parts[0][1], parts[0][2])
    version = 1
    if fields and fields[0][0] == _VERSION_TAG:
        inner = _element(data, fields[0][1], fields[0][2])
        version = 1 + _integer(data, inner)
        fields = fields[1:]
    if len(fields) < 6:
        raise DERError("tbsCertificate has %d fields" % len(fields))
    signature, issuer, subject = fields[1], fields[2], fields[4]
    outer = parts[1]
    extensions = {}  # type: Dict[bytes, Tuple[bool, bytes]]
    for tag, start, end in fields[6:]:
        if tag != _EXTENSIONS_TAG:
            continue
        sequence = _element(data, start, end)
        for _, ext_start, ext_end in _children(data, sequence[1], sequence[2]):
            items = _children(data, ext_start, ext_end)
            if not items or items[0][0] != _OID:
                raise DERError("extension without an OID")
            critical = False
            if len(items) == 3 and items[1][0] == _BOOLEAN:
                critical = data[items[1][1]:items[1][2]] != bytearray(b"\x00")
            value = items[-1]
            if value[0] != _OCTET_STRING:
                raise DERError("extension value is not an OCTET STRING")
            extensions[bytes(data[items[0][1]:items[0][2]])] = (
                critical, bytes(data[value[1]:value[2]]))
    return {
        "version": version,
        "subject_empty": subject[1] == subject[2],
        "issuer_empty": issuer[1] == issuer[2],
        "signature_consistent": data[signature[1]:signature[2]] == data[outer[1]:outer[2]],
        "extensions": extensions,
    }


def _integer(data, element):
    # type: (bytearray, Tuple[int, int, int]) -> int
    if element[0] != _INTEGER:
        raise DERError("expected an INTEGER")
    value = 0
    for byte in data[element[1]:element[2]]:
        value = value << 8 | byte
    return value


def _basic_constraints(value):
    # type: (bytes) -> Tuple[bool, bool]
    """``(cA, has pathLenConstraint)``."""
    data = bytearray(value)
    _, start, end = _element(data, 0, len(data))
    is_ca = has_path_len = False
    for tag, item_start, item_end in _children(data, start, end):
        if tag == _BOOLEAN:
            is_ca = data[item_start:item_end] != bytearray(b"\x00")
        elif tag == _INTEGER:
            has_path_len = True
    return is_ca, has_path_len


def _key_cert_sign(value):
    # type: (bytes) -> bool
    data = bytearray(value)
    tag, start, end = _element(data, 0, len(data))
    if tag != _BIT_STRING or end - start < 2:
        return False
    return bool(data[start + 1] & (0x80 >> _KEY_CERT_SIGN))


def _has_key_id(value):
    # type: (bytes) -> bool
    data = bytearray(value)
    _, start, end = _element(data, 0, len(data))
    return any(tag == _KEY_ID_TAG for tag, _, _ in _children(data, start, end))


def _san_empty(value):
    # type: (bytes) -> bool
    data = bytearray(value)
    _, start, end = _element(data, 0, len(data))
    return start == end


def certificate_problems(cert, last):
    # type: (Dict[str, Any], bool) -> List[Tuple[str, str]]
    """``(problem, RFC 5280 section)`` for each strict rule ``cert`` breaks.

    ``last``: the certificate ends the chain (a trust anchor, which needs
    no authority key identifier).
    """
    ext = cert["extensions"]
    problems = []  # type: List[Tuple[str, str]]

    def add(problem, section):
        # type: (str, str) -> None
        problems.append((problem, section))

    is_ca = has_path_len = False
    if _BASIC_CONSTRAINTS in ext:
        is_ca, has_path_len = _basic_constraints(ext[_BASIC_CONSTRAINTS][1])
        if is_ca and not ext[_BASIC_CONSTRAINTS][0]:
            add("basicConstraints is not marked critical in this CA certificate", "4.2.1.9")
    signs_certs = _KEY_USAGE in ext and _key_cert_sign(ext[_KEY_USAGE][1])
    if has_path_len and not is_ca:
        add("basicConstraints has a pathLenConstraint but cA is not true", "4.2.1.9")
    if has_path_len and not signs_certs:
        add("basicConstraints has a pathLenConstraint but keyUsage lacks keyCertSign", "4.2.1.9")
    if is_ca and _KEY_USAGE not in ext:
        add("this CA certificate has no keyUsage extension (it needs keyCertSign)", "4.2.1.3")
    if not is_ca and signs_certs:
        add("keyUsage has keyCertSign but basicConstraints does not make this a CA", "4.2.1.3")
    if cert["issuer_empty"]:
        add("the issuer name is empty", "4.1.2.4")
    san = ext.get(_SUBJECT_ALT_NAME)
    if cert["subject_empty"]:
        if is_ca or san is None:
            add("the subject name is empty", "4.1.2.6")
        elif not san[0]:
            add("the subject name is empty and subjectAltName is not marked critical", "4.2.1.6")
    if san is not None and _san_empty(san[1]):
        add("subjectAltName is present but empty", "4.2.1.6")
    if not cert["signature_consistent"]:
        add("the signature algorithm differs from the one in tbsCertificate", "4.1.1.2")
    if _AUTHORITY_KEY_ID in ext and ext[_AUTHORITY_KEY_ID][0]:
        add("authorityKeyIdentifier is marked critical", "4.2.1.1")
    if _SUBJECT_KEY_ID in ext and ext[_SUBJECT_KEY_ID][0]:
        add("subjectKeyIdentifier is marked critical", "4.2.1.2")
    if cert["version"] >= 3:
        if not last and (_AUTHORITY_KEY_ID not in ext or not _has_key_id(ext[_AUTHORITY_KEY_ID][1])):
            add("there is no authorityKeyIdentifier (with a keyIdentifier)", "4.2.1.1")
        if is_ca and _SUBJECT_KEY_ID not in ext:
            add("this CA certificate has no subjectKeyIdentifier", "4.2.1.2")
    elif ext:
        add("a version %d certificate carries extensions (they need version 3)"
            % cert["version"], "4.1.2.9")
    return problems


def strict_problems(chain):
    # type: (List[bytes]) -> List[Dict[str, Any]]
    """Every strict rule the chain (DER, leaf first) breaks, as dicts:
    ``depth`` (0: the server's certificate), ``problem``, ``rfc``. A
    certificate the reader cannot parse is reported as such."""
    found = []  # type: List[Dict[str, Any]]
    for depth, der in enumerate(chain):
        try:
            problems = certificate_problems(parse(der), depth == len(chain) - 1)
        except DERError as exc:
            problems = [("cannot be read (%s)" % exc, "4.1")]
        for problem, section in problems:
            found.append({"depth": depth, "problem": problem,
                          "rfc": "RFC 5280 section %s" % section})
    return found
