"""Tiers as data: each declared once beside its code, chosen once, lazily.

A primitive module lists its tiers best first as :class:`Tier` records and
hands them to a :class:`Primitive`. Nothing is probed when the module is
imported: :meth:`Primitive.choose` runs at the primitive's first use (or
when ``backends()`` or the report asks), under a lock, so that racing
threads see one probe, one choice and one armed warning. It honours
``SECURESHIM_FORCE``, records the choice for ``backends()`` and arms the
warning of a degraded choice, whose text is built by :func:`_warn.message`
from the record.

A tier warns at first use when it has a ``weakness`` and either is weak by
nature (``degraded=True``: it is the best this interpreter offers, but
weaker than native elsewhere) or was forced over a better tier that can run
here.
"""
from __future__ import absolute_import, division, print_function

import threading

from . import _detect, _warn
from ._typing import TYPE_CHECKING
from .exceptions import DegradedSecurityWarning

if TYPE_CHECKING:  # pragma: no cover
    from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Type, Union  # noqa: F401

    Text = Union[str, Callable[[], str]]

_FORCED_REASON = ("SECURESHIM_FORCE selects it", "unset SECURESHIM_FORCE")


def _text(value):
    # type: (Text) -> str
    return value() if callable(value) else value


class Caveat(object):
    """A further warning of a tier, under the key ``primitive.part``.

    Armed with the tier's own warning when the tier is chosen and degraded
    (the legacy tier's missing SNI), or, when ``applies`` is given, reported
    whenever it holds and armed by the tier's code where it first matters
    (match_hostname's IDNA 2003 codec).
    """

    def __init__(self, part, subject, fix, reason=None, weakness=None,
                 category=DegradedSecurityWarning, applies=None):
        # type: (str, str, Text, Optional[str], Optional[str], Type[Warning], Optional[Callable[[], bool]]) -> None
        self.part = part
        self.subject = subject
        self.fix = fix
        self.reason = reason
        self.weakness = weakness
        self.category = category
        self.applies = applies

    def message(self, primitive, fix=None):
        # type: (str, Optional[str]) -> str
        return _warn.message(primitive, self.subject, fix or _text(self.fix),
                             self.reason, self.weakness)


class Tier(object):
    """One way of providing a primitive.

    ``name``: the tier's name in ``backends()`` and ``SECURESHIM_FORCE``.
    ``probe``: whether it can run here (called once, at the choice).
    ``bind``: returns what the public name becomes (imports its code).
    ``what``: what it is, for the report of a forced tier.
    ``why``: why it is the choice here, for the report (text, or a
    function returning it).
    ``label``, ``weakness``, ``reason``, ``fix``, ``category``: the warning
    when the choice is degraded, ``"<primitive>: <label> is in use because
    <reason>; <weakness>. Fix: <fix>."``; ``reason`` and ``fix`` are those
    of a ``degraded`` tier chosen by detection, and read "SECURESHIM_FORCE
    selects it"/"unset SECURESHIM_FORCE" for a forced one.
    ``fires``: the bound object issues the armed warning itself; otherwise
    the chooser wraps a callable so that its first call does.
    """

    def __init__(self, name, probe, bind, what, why, label=None, weakness=None,
                 degraded=False, reason=None, fix=None,
                 category=DegradedSecurityWarning, fires=True, caveats=()):
        # type: (str, Callable[[], bool], Callable[[], Any], str, Text, Optional[str], Optional[str], bool, Optional[Text], Optional[Text], Type[Warning], bool, Sequence[Caveat]) -> None
        self.name = name
        self.probe = probe
        self.bind = bind
        self.what = what
        self.why = why
        self.label = label or "the %s tier" % name
        self.weakness = weakness
        self.degraded = degraded
        self.reason = reason
        self.fix = fix
        self.category = category
        self.fires = fires
        self.caveats = tuple(caveats)


def always():
    # type: () -> bool
    """The probe of a tier that can run everywhere."""
    return True


class Choice(object):
    """The outcome of :meth:`Primitive.choose`."""

    def __init__(self, tier, forced, value, message):
        # type: (Optional[Tier], bool, Any, Optional[str]) -> None
        self.tier = tier
        #: The tier was named by SECURESHIM_FORCE.
        self.forced = forced
        self.value = value
        #: The armed warning's text, or None.
        self.message = message

    @property
    def name(self):
        # type: () -> Optional[str]
        return self.tier.name if self.tier is not None else None

    @property
    def reason(self):
        # type: () -> str
        """Why this tier runs here, in one sentence (the report's)."""
        if self.tier is None:
            return "no tier can run on this interpreter"
        if self.forced:
            return "%s (forced by SECURESHIM_FORCE)" % self.tier.what
        return _text(self.tier.why)


def _warning_at_first_call(function, pending):
    # type: (Callable[..., Any], _warn.Pending) -> Callable[..., Any]
    """A callable tier that cannot warn by itself, warning at its first call."""
    fire = _warn.fire

    def first_use(*args, **kwargs):
        # type: (*Any, **Any) -> Any
        if pending:
            fire(pending)
        return function(*args, **kwargs)

    first_use.__name__ = getattr(function, "__name__", "first_use")
    first_use.__doc__ = getattr(function, "__doc__", None)
    return first_use


class Primitive(object):
    """A primitive's tiers, best first, and the one choice among them.

    ``exports``: the public names the choice provides; by default the
    primitive's own name, bound to what the tier's ``bind`` returns. With
    several, ``bind`` returns a module exporting each. ``order``: returns
    the tiers best first, for a primitive whose order depends on the
    interpreter.
    """

    def __init__(self, name, tiers, exports=None, order=None):
        # type: (str, Sequence[Tier], Optional[Sequence[str]], Optional[Callable[[], Sequence[Tier]]]) -> None
        self.name = name
        self.tiers = tuple(tiers)
        # Best first, where that depends on the interpreter (asked at the choice).
        self._order = order
        self.exports = tuple(exports) if exports else (name,)
        self._lock = threading.Lock()
        self._choice = None  # type: Optional[Choice]
        REGISTRY[name] = self

    @property
    def names(self):
        # type: () -> Tuple[str, ...]
        return tuple(tier.name for tier in self.tiers)

    def tier(self, name):
        # type: (str) -> Tier
        for tier in self.tiers:
            if tier.name == name:
                return tier
        raise KeyError(name)

    def choose(self):
        # type: () -> Choice
        """The tier in use, chosen on the first call (see the module docstring)."""
        choice = self._choice
        if choice is None:
            with self._lock:
                choice = self._choice
                if choice is None:
                    choice = self._choice = self._decide()
        return choice

    def get(self, name):
        # type: (str) -> Any
        """The public ``name`` as the chosen tier provides it."""
        choice = self.choose()
        if choice.tier is None:
            raise ImportError(
                "secureshim: no tier of %s can run on this interpreter" % self.name
            )
        value = choice.value
        if self.exports == (self.name,):
            return value
        return getattr(value, name)

    def _decide(self):
        # type: () -> Choice
        ordered = self._order() if self._order is not None else self.tiers
        forced = _detect.FORCED.get(self.name)
        # Probed only as far as the choice needs, since a probe may cost
        # (urandom's getrandom imports ctypes and asks the kernel; the
        # pyopenssl tier imports pyOpenSSL): the best tier that runs here,
        # then the forced one; the others only for the error's list.
        runs = {}  # type: Dict[str, bool]

        def runs_here(tier):
            # type: (Tier) -> bool
            if tier.name not in runs:
                runs[tier.name] = tier.probe()
            return runs[tier.name]

        best = next((tier.name for tier in ordered if runs_here(tier)), None)
        chosen = best
        if forced is not None and forced != best:
            if runs_here(self.tier(forced)):
                chosen = forced
            else:
                available = [tier.name for tier in ordered if runs_here(tier)]
                error = ValueError(
                    "%s: %s=%s cannot run on this interpreter; tiers available "
                    "here: %s" % (_detect.ENV, self.name, forced,
                                  "|".join(available) or "none")
                )
                if not _detect._cli_reports(error):
                    raise error
                forced = None  # the command line stops before anything uses it
        if chosen is None:
            return Choice(None, False, None, None)
        tier = self.tier(chosen)
        value = tier.bind()
        message = self._arm(tier, over_better=best != chosen)
        if message is not None and not tier.fires:
            value = _warning_at_first_call(value, _warn.pending(self.name))
        _detect.CHOSEN[self.name] = chosen
        return Choice(tier, forced is not None, value, message)

    def _arm(self, tier, over_better):
        # type: (Tier, bool) -> Optional[str]
        if tier.weakness is None or not (tier.degraded or over_better):
            return None
        if over_better:
            reason, fix = _FORCED_REASON
        else:
            reason, fix = _text(tier.reason or ""), _text(tier.fix or "")
        message = _warn.message(
            self.name, tier.label + " is in use", fix, reason, tier.weakness
        )
        _warn.arm(self.name, message, tier.category)
        for caveat in tier.caveats:
            if caveat.applies is None:
                key = "%s.%s" % (self.name, caveat.part)
                _warn.arm(key, caveat.message(self.name, fix), caveat.category)
        return message

    def warnings(self):
        # type: () -> List[str]
        """The texts of this primitive's armed warnings, and of caveats that
        hold here but are armed only where they first matter."""
        messages = _warn.armed_messages(self.name)
        for tier in self.tiers:
            for caveat in tier.caveats:
                if caveat.applies is not None and caveat.applies():
                    text = caveat.message(self.name)
                    if text not in messages:
                        messages.append(text)
        return messages


# name -> Primitive, filled as the primitives' modules are imported.
REGISTRY = {}  # type: Dict[str, Primitive]


def primitives():
    # type: () -> Dict[str, Primitive]
    """Every primitive, importing the modules that declare them (no probing)."""
    import importlib

    package = __name__.rpartition(".")[0]
    for module in _detect.PRIMITIVES.values():
        try:
            importlib.import_module("." + module, package)
        except ImportError:  # wrap_socket without an ssl module: not provided
            pass
    return REGISTRY
