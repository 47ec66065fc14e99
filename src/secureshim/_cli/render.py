"""Text output shared by the command line's report and ``check``.

:class:`Painter` colours, :func:`rows` aligns a titled section, and
:func:`write` puts text on a stream whatever it holds and whatever the
stream's encoding: environment values, paths and arguments can carry bytes
that are not UTF-8 (surrogate escapes on 3.x, byte strings on 2.7), and
stdout can be ASCII (``PYTHONIOENCODING=ascii``, or ``LANG=C`` before 3.7's
locale coercion). :func:`clean` makes any such value printable text.
"""
from __future__ import absolute_import, division, print_function

import codecs
import os

from .._compat import PY2, text_type
from .._diagnostics import DEGRADED, INSECURE, OK

MYPY = False
if MYPY:  # pragma: no cover
    from typing import Any, List, Tuple  # noqa: F401

_COLOURS = {OK: "32", DEGRADED: "33", INSECURE: "31", "dim": "2", "bold": "1"}


class Painter(object):
    """Wraps text in ANSI colours, or returns it unchanged."""

    def __init__(self, enabled):
        # type: (bool) -> None
        self.enabled = enabled

    def __call__(self, text, style):
        # type: (str, str) -> str
        if not self.enabled:
            return text
        return "\033[%sm%s\033[0m" % (_COLOURS[style], text)


def use_colour(choice, stream):
    # type: (str, Any) -> bool
    """``--color``: ``always``, ``never``, or ``auto`` (a terminal, unless NO_COLOR)."""
    if choice == "never":
        return False
    if choice == "always":
        return True
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False


def yes(flag):
    # type: (Any) -> str
    if flag is None:
        return "unknown"
    return "yes" if flag else "no"


def rows(title, items, paint):
    # type: (str, List[Tuple[str, str]], Painter) -> List[str]
    """``title`` in bold, then ``key  value`` lines with the values aligned."""
    width = max(len(key) for key, _ in items)
    lines = [paint(title, "bold")]
    for key, value in items:
        lines.append("  %-*s  %s" % (width, key, value))
    return lines


def _escape_bytes(data):
    # type: (bytes) -> text_type
    """UTF-8 text, with each byte that is not UTF-8 shown as ``\\xNN``.

    (Decoding with ``backslashreplace`` is 3.5+; 2.7 has no such handler.)
    """
    parts = []  # type: List[text_type]
    while True:
        try:
            parts.append(data.decode("utf-8"))
            return u"".join(parts)
        except UnicodeDecodeError as exc:
            parts.append(data[:exc.start].decode("utf-8"))
            parts.append(u"".join(u"\\x%02x" % b for b in bytearray(data[exc.start:exc.end])))
            data = data[exc.end:]


def clean(value):
    # type: (Any) -> Any
    """``value`` with every string in it made valid, printable Unicode.

    Bytes (2.7's ``str``) are decoded as UTF-8 and 3.x's surrogate escapes
    (``os.environ``, ``sys.argv`` and paths holding non-UTF-8 bytes) turned
    back into those bytes first; what is not UTF-8 shows as ``\\xNN``. Lists
    and dicts are cleaned item by item; other values are returned as they are.
    """
    if isinstance(value, dict):
        return dict((clean(key), clean(item)) for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return [clean(item) for item in value]
    if isinstance(value, bytes):
        return _escape_bytes(value)
    if isinstance(value, text_type):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            try:
                return _escape_bytes(value.encode("utf-8", "surrogateescape"))
            except UnicodeEncodeError:  # a lone surrogate that escapes no byte
                return value.encode("utf-8", "backslashreplace").decode("utf-8")
        return value
    return value


def text_of(value):
    # type: (Any) -> text_type
    """``value`` (an exception, say) as cleaned text for a message.

    2.7's ``str()`` fails on a unicode message and ``unicode()`` on a
    byte one; whichever works is taken.
    """
    if not isinstance(value, (bytes, text_type)):
        try:
            value = text_type(value)
        except UnicodeError:
            value = str(value)
    return clean(value)  # type: ignore[no-any-return]


def _encoding(stream):
    # type: (Any) -> str
    name = getattr(stream, "encoding", None) or "utf-8"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return "utf-8"


def write(stream, text):
    # type: (Any, Any) -> None
    """Write ``text`` to ``stream`` and flush; never a UnicodeError.

    Characters the stream's encoding lacks become ``\\uNNNN`` escapes. On
    2.7 a file takes bytes in that encoding (UTF-8 for a pipe, which has
    none).
    """
    text = clean(text)
    encoding = _encoding(stream)
    data = text.encode(encoding, "backslashreplace")
    if PY2 and not isinstance(stream, _TEXT_ONLY):
        stream.write(data)
    else:
        stream.write(data.decode(encoding))
    stream.flush()


if PY2:
    import io

    # io's text streams (and pytest's captures built on them) take unicode only.
    _TEXT_ONLY = (io.TextIOBase,)  # type: Tuple[type, ...]
else:
    _TEXT_ONLY = ()
