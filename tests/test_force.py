"""SECURESHIM_FORCE: parsing, forcing tiers, and clear errors at import."""
from __future__ import absolute_import, division, print_function

import pytest

from secureshim import _detect, _urandom

from .conftest import run_python


def test_parse_force_accepts_lists_with_spaces():
    assert _detect.parse_force(" compare_digest = python , urandom=fd ,") == {
        "compare_digest": "python",
        "urandom": "fd",
    }


def test_parse_force_empty_means_nothing_forced():
    assert _detect.parse_force("") == {}


@pytest.mark.parametrize(
    "value",
    ["bogus=python", "compare_digest=bogus", "compare_digest", "=python",
     "compare_digest=python,compare_digest=native", "urandom=python"],
)
def test_parse_force_rejects_with_the_valid_choices(value):
    with pytest.raises(ValueError) as info:
        _detect.parse_force(value)
    assert "SECURESHIM_FORCE" in str(info.value)
    if "twice" not in str(info.value):
        assert "compare_digest=native|python" in str(info.value)
        assert "urandom=native|getrandom|fd" in str(info.value)


@pytest.mark.parametrize("value", ["bogus=python", "compare_digest=openssl"])
def test_import_fails_on_unknown_primitive_or_tier(value):
    result = run_python("import secureshim", env={"SECURESHIM_FORCE": value})
    assert result.returncode != 0
    assert "ValueError" in result.err
    assert "valid choices are" in result.err


def test_import_fails_when_forced_tier_cannot_run_here():
    # Emulate an interpreter before 2.7.7: the native tier cannot run.
    result = run_python(
        """
        import hmac
        del hmac.compare_digest
        import secureshim
        """,
        env={"SECURESHIM_FORCE": "compare_digest=native"},
    )
    assert result.returncode != 0
    assert "ValueError" in result.err
    assert "cannot run on this interpreter" in result.err
    assert "available here: python" in result.err


def test_forcing_python_compare_digest_selects_it_and_warns():
    result = run_python(
        """
        import warnings
        import secureshim
        from secureshim import _compare_digest
        assert secureshim.backends()["compare_digest"] == "python"
        assert secureshim.compare_digest is _compare_digest.python_compare_digest
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            assert secureshim.compare_digest(b"abc", b"abc")
            assert not secureshim.compare_digest(b"abc", b"abd")
        assert len(caught) == 1, caught
        assert issubclass(caught[0].category, secureshim.DegradedSecurityWarning)
        assert "SECURESHIM_FORCE" in str(caught[0].message)
        print("ok")
        """,
        env={"SECURESHIM_FORCE": "compare_digest=python"},
    ).check()
    assert result.out.strip() == "ok"


@pytest.mark.parametrize("tier", ["fd", "getrandom"])
def test_forcing_a_urandom_tier_selects_it_and_warns_where_native_is_better(tier):
    if tier == "getrandom" and _urandom.getrandom_backend() is None:
        pytest.skip("the kernel (or seccomp) refuses getrandom(2) here")
    result = run_python(
        """
        import sys, warnings
        import secureshim
        from secureshim import _detect, _urandom
        tier = sys.argv[1]
        assert secureshim.backends()["urandom"] == tier
        assert secureshim.urandom is getattr(_urandom, tier + "_urandom")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            assert len(secureshim.urandom(16)) == 16
            secureshim.urandom(16)
        assert len(caught) == (1 if _detect.URANDOM_IS_C else 0), caught
        if caught:
            assert issubclass(caught[0].category, secureshim.DegradedSecurityWarning)
            assert "the %s tier" % tier in str(caught[0].message)
        print("ok")
        """,
        env={"SECURESHIM_FORCE": "urandom=" + tier},
        args=[tier],
    ).check()
    assert result.out.strip() == "ok"
