"""No traceback reaches a user of the command line, whatever the input.

``python -m secureshim`` runs in subprocesses with hostile arguments and
environments: the explicit cases of issue #11 and hypothesis-generated
ones. Every run must end with an exit code from the documented set, no
``Traceback`` on stderr, and, for usage and configuration errors, exactly
one line on stderr and nothing on stdout. ``check`` never leaves
127.0.0.1: generated host names go to ``--servername`` (or are ones that
the command refuses before any lookup).
"""
from __future__ import absolute_import, division, print_function

import os
import socket
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from secureshim._cli import check as _check
from secureshim._cli import main as cli_main

VERDICTS = (0, 1, 2)
ONE_LINE = (cli_main.USAGE_ERROR, cli_main.CONFIG_ERROR)
# An internal error (70) is a bug: the fuzzing must not find one.
ALLOWED = VERDICTS + ONE_LINE


def closed_port():
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return port


LOCAL = "127.0.0.1:%d" % closed_port()


def to_bytes(value):
    if isinstance(value, bytes):
        return value
    return value.encode("utf-8", "surrogateescape" if str is not bytes else "strict")


def run(args, env=None):
    full_env = dict(os.environ)
    full_env.pop("SECURESHIM_FORCE", None)
    full_env.pop("SECURESHIM_DEBUG", None)
    for key, value in (env or {}).items():
        if value is None:
            full_env.pop(key, None)
        else:
            full_env[key] = to_bytes(value) if str is bytes else os.fsdecode(to_bytes(value))
    # Arguments as bytes: what a shell passes, undecodable ones included.
    argv = [to_bytes(sys.executable), b"-m", b"secureshim"] + [to_bytes(a) for a in args]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=full_env)
    out, err = proc.communicate()
    return proc.returncode, out, err


def assert_clean(args, env=None):
    code, out, err = run(args, env)
    shown = (args, env, code, out[-500:], err[-2000:])
    assert b"Traceback" not in err, shown
    assert code in ALLOWED, shown
    if code in ONE_LINE:
        assert out == b"", shown
        assert len(err.splitlines()) == 1 and err.endswith(b"\n"), shown
    return code, out, err


@pytest.mark.parametrize("args, env, code", [
    ([], {"SECURESHIM_FORCE": "bogus"}, cli_main.CONFIG_ERROR),
    (["--json"], {"SECURESHIM_FORCE": b"\xff=\xfe"}, cli_main.CONFIG_ERROR),
    (["--json"], {"SECURESHIM_FORCE": ",,, ,"}, None),  # empty items: nothing forced
    (["check", "bad..host:443"], None, cli_main.USAGE_ERROR),
    (["check", b"\xff\xfe.example"], None, cli_main.USAGE_ERROR),
    (["check", u"\u00e9" * 300], None, cli_main.USAGE_ERROR),
    (["check", "x" * 100000], None, cli_main.USAGE_ERROR),
    (["check", LOCAL, "--servername", "a..b"], None, cli_main.USAGE_ERROR),
    (["check", LOCAL, "--timeout", "1e309"], None, cli_main.USAGE_ERROR),
    (["check", LOCAL, "--timeout", b"\xff"], None, cli_main.USAGE_ERROR),
    ([b"\xff"], None, cli_main.USAGE_ERROR),
    (["--color", b"\xff\xfe"], None, cli_main.USAGE_ERROR),
    (["--json"], {"PYTHONHTTPSVERIFY": b"\xff", "PYTHONIOENCODING": "ascii"}, None),
    ([], {"PYTHONHTTPSVERIFY": b"\xff", "LANG": "C", "LC_ALL": "C",
          "PYTHONIOENCODING": None}, None),
    ([], {"NO_COLOR": b"\xff", "TERM": b"\xff"}, None),
    (["check", LOCAL, "--cafile", b"/nonexistent/\xff.pem", "--timeout", "1"], None, 1),
    (["check", LOCAL, "--cafile", "/dev/zero", "--timeout", "1"], None, 1),
    (["check", LOCAL, "--cafile", "/", "--timeout", "1"], None, 1),
])
def test_explicit_hostile_inputs(args, env, code):
    got = assert_clean(args, env)[0]
    if code is not None:
        assert got == code
    else:
        assert got in VERDICTS


OPTIONS = ["--json", "--color", "--colour", "--debug", "--timeout", "--servername",
           "--cafile", "always", "never", "auto", "-", "--", "-h"]
ARGUMENT = st.one_of(
    st.sampled_from(OPTIONS),
    st.binary(min_size=0, max_size=40).filter(lambda b: b"\x00" not in b),
    st.text(min_size=0, max_size=40).filter(lambda t: u"\x00" not in t),
)
FUZZ = settings(max_examples=6, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


@FUZZ
@given(args=st.lists(ARGUMENT, max_size=4), force=st.sampled_from(
    [None, "", "urandom=fd", "urandom=", "=", "urandom=fd,urandom=native", u"\u00e9=\u00e9"]),
    https=st.one_of(st.none(), st.binary(min_size=1, max_size=8).filter(lambda b: b"\x00" not in b)),
    encoding=st.sampled_from([None, "ascii", "latin-1", "utf-8"]))
def test_report_fuzzed(args, force, https, encoding):
    assume(not args or to_bytes(args[0]) != b"check")
    assert_clean(args, {"SECURESHIM_FORCE": force, "PYTHONHTTPSVERIFY": https,
                        "PYTHONIOENCODING": encoding})


HOSTLIKE = st.one_of(
    st.text(alphabet=u"ab-_.:[]%1\u00e9\u00df\u3002 /@", max_size=70),
    st.binary(max_size=70),
).filter(lambda value: b"\x00" not in to_bytes(value))


@FUZZ
@given(name=HOSTLIKE, extra=st.lists(ARGUMENT, max_size=2))
def test_check_servername_fuzzed(name, extra):
    code = assert_clean(["check", LOCAL, "--servername", name, "--timeout", "1"] + extra)[0]
    if "-h" not in extra:
        assert code != 0  # nothing listens there


@FUZZ
@given(target=HOSTLIKE)
def test_check_target_fuzzed(target):
    if isinstance(target, bytes) and str is not bytes:
        target = os.fsdecode(target)  # as the child decodes its argv
    try:
        _check.parse_target(target)
    except _check.UsageError:
        pass
    else:
        assume(False)  # a well-formed name would be looked up: not from a test
    assert_clean(["check", target, "--timeout", "1"])
