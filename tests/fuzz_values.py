"""Hypothesis strategies over the *types* callers hand in, not only values.

Text, bytes, bytearray and memoryview with their subclasses (plain ones, and
hostile ones whose overridden methods lie about the value), buffers of every
shape (multi-dimensional, strided, readonly, formats ``B``/``i``/``c``,
empty, ctypes arrays and structures, ``array.array``, ``mmap``, numpy when
importable), integers far outside C's ranges, ``bool``, ``float``,
``__index__``-only objects and ``None``. Used by tests/test_fuzz_stdlib.py.
"""
from __future__ import absolute_import, division, print_function

import array
import ctypes
import mmap
import sys

from hypothesis import strategies as st

try:
    import numpy
except ImportError:  # numpy is optional: its buffers are fuzzed where it is
    numpy = None

PY2 = sys.version_info[0] == 2
TEXT = unicode if PY2 else str  # type: ignore[name-defined]  # noqa: F821


# --- subclasses ----------------------------------------------------------------

class PlainText(TEXT):
    """A text subclass that overrides nothing."""


class PlainBytes(bytes):
    """A bytes subclass that overrides nothing."""


class PlainBytearray(bytearray):
    """A bytearray subclass that overrides nothing."""


def _liar_methods(base, claim):
    """Methods that all report ``claim`` whatever the object holds."""
    def encode(self, *args, **kwargs):
        return b"same"

    def decode(self, *args, **kwargs):
        return u"same"

    def eq(self, other):
        return True

    def ne(self, other):
        return False

    def length(self):
        return len(claim)

    def getitem(self, index):
        return claim[index]

    def iterate(self):
        return iter(claim)

    def contains(self, item):
        return False

    def same(self, *args, **kwargs):
        return claim

    def truth(self, *args, **kwargs):
        return True

    def split(self, *args, **kwargs):
        return [claim]

    def index(self):
        return 1

    def as_bytes(self):
        return b"same"

    def as_text(self):
        return claim

    methods = {
        "encode": encode, "decode": decode, "__eq__": eq, "__ne__": ne,
        "__len__": length, "__getitem__": getitem, "__iter__": iterate,
        "__contains__": contains, "lower": same, "upper": same, "strip": same,
        "rstrip": same, "lstrip": same, "casefold": same, "translate": same,
        "startswith": truth, "endswith": truth, "isascii": truth,
        "split": split, "partition": lambda self, sep: (claim, sep, claim),
        "__index__": index, "__bytes__": as_bytes, "__str__": as_text,
        "__hash__": base.__hash__, "__bool__": truth, "__nonzero__": truth,
        "__add__": lambda self, other: claim, "__mod__": lambda self, other: claim,
    }
    if not PY2:
        # PEP 688 (3.12+): a Python-level buffer that exports other bytes.
        methods["__buffer__"] = lambda self, flags: memoryview(b"same")
    return methods


HostileText = type("HostileText", (TEXT,), _liar_methods(TEXT, u"example.com"))
HostileBytes = type("HostileBytes", (bytes,), _liar_methods(bytes, b"example.com"))
HostileBytearray = type(
    "HostileBytearray", (bytearray,), dict(_liar_methods(bytearray, b"example.com"), __hash__=None)
)


class IndexOnly(object):
    """An integer only through ``__index__`` (no ``__int__``)."""

    def __init__(self, value):
        self.value = value

    def __index__(self):
        return self.value

    def __repr__(self):
        return "IndexOnly(%r)" % (self.value,)


class IntLiar(int):
    """An int whose ``__index__``/``__int__`` report another number."""

    def __index__(self):
        return 1

    def __int__(self):
        return 1


class NoBuffer(object):
    def __repr__(self):
        return "NoBuffer()"


# --- buffers -----------------------------------------------------------------------

def _ctypes_array(data, dims):
    if dims == 1:
        return (ctypes.c_ubyte * len(data)).from_buffer_copy(data)
    half = len(data) // 2
    if half == 0:
        return (ctypes.c_ubyte * 0 * 2)()
    return ((ctypes.c_ubyte * half) * 2).from_buffer_copy(data[: 2 * half])


class _Pair(ctypes.Structure):
    _fields_ = [("a", ctypes.c_uint16), ("b", ctypes.c_uint16)]


def _mmap(data):
    mapped = mmap.mmap(-1, max(len(data), 1))
    mapped.write(data)
    return mapped


def _buffer_kinds(data):
    """``(label, thunk)``: each thunk builds one buffer over ``data``."""
    kinds = [
        ("bytearray", lambda: bytearray(data)),
        ("memoryview(bytes)", lambda: memoryview(data)),
        ("memoryview(bytearray)", lambda: memoryview(bytearray(data))),
        ("ctypes 1-D", lambda: _ctypes_array(data, 1)),
        ("ctypes 2-D", lambda: _ctypes_array(data, 2)),
        ("ctypes c_int", lambda: ctypes.c_int(len(data))),
        ("ctypes structure", lambda: _Pair(1, 2)),
        ("array('B')", lambda: array.array("B", bytearray(data))),
        ("mmap", lambda: _mmap(data)),
        ("PlainBytes", lambda: PlainBytes(data)),
        ("PlainBytearray", lambda: PlainBytearray(data)),
        ("HostileBytes", lambda: HostileBytes(data)),
        ("HostileBytearray", lambda: HostileBytearray(data)),
    ]
    if not PY2:
        kinds.extend([
            ("memoryview strided", lambda: memoryview(data)[::2]),
            ("memoryview reversed", lambda: memoryview(data)[::-1]),
            ("memoryview 'c'", lambda: memoryview(data).cast("c")),
            ("memoryview 2-D", lambda: memoryview(data[: len(data) // 2 * 2]).cast(
                "B", [2, len(data) // 2]) if len(data) >= 2 else memoryview(data)),
            ("memoryview 'i'", lambda: memoryview(data[: len(data) // 4 * 4]).cast("i")),
            ("array('i')", lambda: array.array("i", [len(data), 7])),
        ])
    if numpy is not None:
        kinds.extend([
            ("numpy 1-D", lambda: numpy.frombuffer(data, dtype=numpy.uint8).copy()),
            ("numpy strided", lambda: numpy.frombuffer(data, dtype=numpy.uint8)[::2]),
            ("numpy 2-D", lambda: numpy.zeros((2, 3), dtype=numpy.uint8)),
            ("numpy 2-D transposed", lambda: numpy.zeros((2, 3), dtype=numpy.uint8).T),
        ])
    return kinds


class Built(object):
    """A value built by a strategy, with a label for failure reports.

    Buffers over mutable or mapped memory are built fresh for each call
    (``make``), so the stdlib and a tier never share one object that the
    other may have released or exported.
    """

    def __init__(self, label, make):
        self.label = label
        self.make = make

    def __repr__(self):
        return "<%s>" % self.label


def _built(label, value):
    return Built(label, lambda: value)


@st.composite
def buffers(draw, max_size=12):
    data = draw(st.binary(max_size=max_size))
    kinds = _buffer_kinds(data)
    label, thunk = draw(st.sampled_from(kinds))
    return Built("%s %r" % (label, data), thunk)


def _texts(max_size):
    return st.one_of(
        st.text(alphabet=st.characters(max_codepoint=0x7F), max_size=max_size),
        st.text(max_size=max_size),
    )


@st.composite
def texts(draw, max_size=12):
    """Text and its subclasses, ASCII or not."""
    value = draw(_texts(max_size))
    cls = draw(st.sampled_from([TEXT, PlainText, HostileText]))
    return _built("%s %r" % (cls.__name__, value), cls(value))


@st.composite
def plain_bytes(draw, max_size=12):
    value = draw(st.binary(max_size=max_size))
    return _built("bytes %r" % (value,), value)


# Far outside C int, long and ssize_t; INT_MAX itself is left out, as a
# valid iteration count or key length that large would run for minutes.
HUGE = [2 ** 31, 2 ** 32, 2 ** 63 - 1, 2 ** 63, 2 ** 64, 2 ** 100]
# Beyond Py_ssize_t: os.urandom(sys.maxsize) would try to allocate it.
BEYOND_SSIZE_T = [2 ** 63, 2 ** 64, 2 ** 100]


@st.composite
def odd_ints(draw, low=-3, high=70, huge=HUGE):
    """Integers of every kind: small, far outside C long either way, bool,
    float, ``__index__``-only, an int subclass that lies, and ``None``."""
    choice = draw(st.sampled_from(["small", "huge", "negative huge", "bool", "float",
                                   "index", "intliar", "none", "text"]))
    if choice == "small":
        value = draw(st.integers(low, high))
        return _built("int %d" % value, value)
    if choice == "huge":
        value = draw(st.sampled_from(huge))
        return _built("int %d" % value, value)
    if choice == "negative huge":
        value = -draw(st.sampled_from(huge)) - draw(st.integers(0, 1))
        return _built("int %d" % value, value)
    if choice == "bool":
        value = draw(st.booleans())
        return _built("bool %r" % value, value)
    if choice == "float":
        value = draw(st.sampled_from([1.0, 0.5, -1.0, float("nan"), float("inf")]))
        return _built("float %r" % value, value)
    if choice == "index":
        value = draw(st.one_of(st.integers(low, high), st.sampled_from(huge)))
        return _built("IndexOnly(%d)" % value, IndexOnly(value))
    if choice == "intliar":
        value = draw(st.integers(low, high))
        return _built("IntLiar(%d)" % value, IntLiar(value))
    if choice == "text":
        return _built("text '1'", u"1")
    return _built("None", None)


def anything(max_size=12):
    """Any of the above: what a careless or hostile caller might pass."""
    return st.one_of(
        plain_bytes(max_size),
        texts(max_size),
        buffers(max_size),
        odd_ints(),
        st.just(_built("NoBuffer", NoBuffer())),
    )


def is_instance(value, name):
    """``value`` is a ``name`` or a subclass of it (for deviation rules)."""
    return any(cls.__name__ == name for cls in type(value).__mro__)
