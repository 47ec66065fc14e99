"""The bytes of a buffer, as C code that asks for a simple buffer gets them.

``hmac.compare_digest`` and ``hashlib.pbkdf2_hmac`` take any object with
the buffer protocol, through ``PyObject_GetBuffer(obj, view,
PyBUF_SIMPLE)``: a request for plain contiguous bytes, which each exporter
answers in its own way. ``memoryview(obj)`` in Python asks for everything
(``PyBUF_FULL_RO``) instead, so some exporters succeed there that refuse a
simple request, and the other way round. :func:`simple_buffer` gives a
simple request's outcome, exception type included:

* 3.12+ (PEP 688): ``type(obj).__buffer__(obj, 0)`` *is* the simple request
  for exporters written in C; a ``__buffer__`` written in Python returns a
  memoryview that C then asks in turn, with a memoryview's rules.
* Before: ``memoryview(obj)``, then each exporter's own answer to a simple
  request. A memoryview refuses a non-contiguous view (``BufferError``) and
  reports one dimension; ctypes ignores the request and reports its real
  dimensions; numpy refuses a non-contiguous array with ``ValueError``.
  Other exporters are taken to answer as a memoryview does, the usual case
  (``PyBuffer_FillInfo``); tests/deviations.py lists the exception.
"""
from __future__ import absolute_import, division, print_function

import sys
import types

from ._typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from typing import Any, Tuple  # noqa: F401

_NOT_CONTIGUOUS = "memoryview: underlying buffer is not C-contiguous"
# PEP 688's __buffer__ (3.12+). Before, a method of that name means nothing
# to C, so it must mean nothing here either.
PEP688 = hasattr(bytes, "__buffer__")


def _c_contiguous(view):
    # type: (Any) -> bool
    # memoryview.c_contiguous: 3.3+. 2.7's views come straight from their
    # exporter: compare the strides with a C array's.
    flag = getattr(view, "c_contiguous", None)
    if flag is not None:
        return bool(flag)
    strides, shape = view.strides, view.shape
    if not strides or not shape:
        return True
    expected = view.itemsize
    for size, stride in reversed(list(zip(shape, strides))):
        if size > 1 and stride != expected:
            return False
        expected *= size
    return True


def _is_instance_of(obj, module, name):
    # type: (Any, str, str) -> bool
    # Only when that module is already imported: otherwise obj cannot be
    # one of its objects, and importing it here would cost for nothing.
    loaded = sys.modules.get(module)
    cls = getattr(loaded, name, None)
    return cls is not None and isinstance(obj, cls)


def _is_ctypes(obj):
    # type: (Any) -> bool
    loaded = sys.modules.get("_ctypes")
    simple = getattr(loaded, "_SimpleCData", None)
    if simple is None:
        return False
    # _CData, the base of every ctypes type, is not exported by _ctypes.
    return isinstance(obj, simple.__mro__[1])


def _from_memoryview_rules(view):
    # type: (Any) -> Tuple[bytes, int]
    """A memoryview's answer to a simple request: contiguous or BufferError,
    and one dimension whatever its shape."""
    if not _c_contiguous(view):
        raise BufferError(_NOT_CONTIGUOUS)
    return view.tobytes(), 1


def _simple_pep688(obj, getbuffer):
    # type: (Any, Any) -> Tuple[bytes, int]
    view = getbuffer(obj, 0)  # flags 0: PyBUF_SIMPLE
    if not isinstance(getbuffer, types.FunctionType):
        # A C exporter: the slot wrapper passed the flags on.
        try:
            return view.tobytes(), view.ndim
        finally:
            view.release()
    # A __buffer__ written in Python: C asks the memoryview it returns.
    if type(view) is not memoryview:
        raise TypeError("__buffer__ returned non-memoryview object")
    try:
        return _from_memoryview_rules(view)
    finally:
        # A __release_buffer__ written in Python is called with the view,
        # as C does; a C base class's (bytearray's) did not export it.
        release = getattr(type(obj), "__release_buffer__", None)
        if isinstance(release, types.FunctionType):
            release(obj, view)
        view.release()


def simple_buffer(obj):
    # type: (Any) -> Tuple[bytes, int]
    """``(bytes, ndim)`` of ``PyObject_GetBuffer(obj, PyBUF_SIMPLE)``.

    Raises what that raises: ``TypeError`` for an object without the buffer
    protocol (the stdlib's message), ``BufferError`` or the exporter's own
    error for a layout it will not give as simple bytes.
    """
    if PEP688:
        getbuffer = getattr(type(obj), "__buffer__", None)
        if getbuffer is None:
            raise TypeError(
                "a bytes-like object is required, not '%s'" % type(obj).__name__
            )
        return _simple_pep688(obj, getbuffer)
    view = memoryview(obj)
    if type(obj) is memoryview:
        return _from_memoryview_rules(view)
    if _is_ctypes(obj):
        # ctypes fills the view the same whatever was asked.
        return view.tobytes(), view.ndim
    if _is_instance_of(obj, "numpy", "ndarray"):
        if not _c_contiguous(view):
            raise ValueError("ndarray is not C-contiguous")
        # Without PyBUF_ND numpy reports no shape: ndim 0.
        return view.tobytes(), 0
    return _from_memoryview_rules(view)
