"""``python -m secureshim`` (or ``secureshim``): arguments, exit codes, errors.

    python -m secureshim [--json] [--color WHEN] [--debug]
    python -m secureshim check HOST[:PORT] [--cafile FILE] [--servername NAME]
                               [--timeout SECONDS] [--json] [--color WHEN] [--debug]

The report's exit code is its verdict: 0 OK, 1 DEGRADED, 2 INSECURE.
``check`` exits 0 when the handshake and its verification succeed and 1
when they fail. Whatever else goes wrong ends as one line on stderr and an
exit code that no verdict uses (``EXIT_CODES``), never as a traceback.
"""
from __future__ import absolute_import, division, print_function

import argparse
import json
import os
import sys
import traceback

from .. import __version__, _diagnostics
from . import check as _check
from . import report as _report
from . import startup
from .render import clean, text_of, use_colour, write

MYPY = False
if MYPY:  # pragma: no cover
    from typing import Any, List, NoReturn, Optional  # noqa: F401

# Outside the verdicts' 0-2; from BSD's sysexits.h where one fits.
USAGE_ERROR = 64  # EX_USAGE
INTERNAL_ERROR = 70  # EX_SOFTWARE
OUTPUT_ERROR = 74  # EX_IOERR
CONFIG_ERROR = 78  # EX_CONFIG
INTERRUPTED = 130  # 128 + SIGINT, as shells report a Ctrl-C

DEBUG_ENV = "SECURESHIM_DEBUG"

EXIT_CODES = """\
exit codes:
  0    OK: nothing below applies (check: a verified handshake)
  1    DEGRADED: a primitive on a weaker tier, no TLS 1.3 or SNI, a default
       context that accepts TLS 1.0/1.1, or no CA certificates
       (check: the check failed; the reason is printed)
  2    INSECURE: stdlib HTTPS does not verify, no TLS 1.2, or the default
       context does not verify
  %-3d  usage error: a bad argument or option (one line on stderr)
  %-3d  internal error: a bug in secureshim (one line on stderr; --debug or
       %s=1 shows the traceback)
  %-3d  the output could not be written (stdout closed)
  %-3d  configuration error: SECURESHIM_FORCE is not valid, or forces a
       tier that cannot run here (one line on stderr)
  %-3d  interrupted (Ctrl-C)
""" % (USAGE_ERROR, INTERNAL_ERROR, DEBUG_ENV, OUTPUT_ERROR, CONFIG_ERROR, INTERRUPTED)

REPORT_EPILOG = """\
the report:
  interpreter, platform, OpenSSL (or LibreSSL/BoringSSL) and FIPS mode;
  each primitive's tier and why, degraded ones flagged; TLS: SNI, TLS 1.2
  and 1.3, hostname_checks_common_name, the default context's minimum
  version and verify mode, CA source and certificate count; whether the
  stdlib's HTTPS clients verify certificates (PEP 476/493) and what decided
  it; hashlib's algorithms; the urandom source; ensurepip's bundled pip.

%s
JSON (--json): the same content; its schema is docs/diagnostics.schema.json
and carries "schema_version" (currently %d), which changes only when a field
is removed, renamed or changes meaning.

commands:
  check HOST[:PORT]  handshake with a server; see: python -m secureshim check --help

Colour is used only when the output is a terminal (--color auto) and
NO_COLOR is not set.
""" % (EXIT_CODES, _diagnostics.SCHEMA_VERSION)

CHECK_EPILOG = """\
The handshake uses secureshim's default context: certificates and the host
name are verified, and protocols older than the context's minimum are
refused. On failure a second connection, which verifies nothing, fetches the
certificate (and, for a refused protocol, the newest version the server
speaks) so that the reason is precise: expired, not yet valid, wrong host,
untrusted, x509 strict, protocol too old, timeout, dns, connection,
handshake. "x509 strict": the chain fails only the RFC 5280 checks of
VERIFY_X509_STRICT (on by default since Python 3.13); a retry without that
flag, still verifying everything else, tells, and the report names what the
certificates lack. Such a host is never reported as good.

%s""" % EXIT_CODES


class _Parser(argparse.ArgumentParser):
    """argparse, with usage errors as one line and exit code USAGE_ERROR."""

    def error(self, message):
        # type: (str) -> NoReturn
        self.exit(USAGE_ERROR, "%s: error: %s (see --help)\n" % (self.prog, _one_line(message)))

    def _print_message(self, message, file=None):
        # type: (str, Any) -> None
        if message:
            write(file or sys.stderr, message)


def _one_line(value):
    # type: (Any) -> str
    """``value`` as text, on one line, and short enough to read."""
    text = " ".join(text_of(value).split())
    return text if len(text) <= 400 else text[:400] + "..."


def _common_flags(parser):
    # type: (argparse.ArgumentParser) -> None
    parser.add_argument(
        "--color", "--colour", dest="color", choices=("auto", "always", "never"),
        default="auto",
        help="colour the output: auto (default) colours only a terminal, and "
             "never when NO_COLOR is set",
    )
    parser.add_argument(
        "--json", action="store_true",
        help="print JSON instead of text (schema: docs/diagnostics.schema.json)",
    )
    parser.add_argument(
        "--debug", action="store_true",
        help="on an internal error, print the traceback (as %s=1 does)" % DEBUG_ENV,
    )


def report_parser(prog):
    # type: (str) -> argparse.ArgumentParser
    parser = _Parser(
        prog=prog,
        description="Report the security primitives, TLS facts and verdict of "
                    "this Python interpreter.",
        epilog=REPORT_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _common_flags(parser)
    parser.add_argument("--version", action="version", version="secureshim %s" % __version__)
    return parser


def _timeout(text):
    # type: (str) -> float
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError("%s is not a number of seconds" % _check.show(text))
    if not 0 < value <= 300:  # also refuses nan
        raise argparse.ArgumentTypeError(
            "timeout must be in (0, 300] seconds, not %s" % _check.show(text))
    return value


def check_parser(prog):
    # type: (str) -> argparse.ArgumentParser
    parser = _Parser(
        prog=prog + " check",
        description="Make a verified TLS handshake with HOST[:PORT] (default "
                    "port 443) and report the protocol, cipher, key exchange, "
                    "certificate and host name verdict.",
        epilog=CHECK_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("target", metavar="HOST[:PORT]",
                        help="server to check; an IPv6 address goes in brackets: [::1]:8443")
    parser.add_argument("--cafile", metavar="FILE",
                        help="trust the CA certificates in FILE instead of the default store")
    parser.add_argument("--servername", metavar="NAME",
                        help="host name to send (SNI) and verify; default: HOST")
    parser.add_argument("--timeout", metavar="SECONDS", type=_timeout,
                        default=_check.DEFAULT_TIMEOUT,
                        help="timeout of each connection and handshake "
                             "(default %g; at most 3 connections)" % _check.DEFAULT_TIMEOUT)
    _common_flags(parser)
    return parser


def _dump(data):
    # type: (Any) -> str
    return json.dumps(clean(data), indent=2, sort_keys=True)


class _Failure(Exception):
    """Ends the command with one line on stderr and ``code``."""

    def __init__(self, code, message):
        # type: (int, str) -> None
        Exception.__init__(self, code)
        self.code = code
        self.message = message  # not str(self): 2.7 cannot encode a unicode one


def _run(args, prog):
    # type: (List[str], str) -> int
    out = sys.stdout
    if args and args[0] == "check":
        options = check_parser(prog).parse_args(args[1:])
        _config_errors(prog)
        try:
            host, port = _check.parse_target(options.target)
            servername = _check.parse_servername(options.servername)
        except _check.UsageError as exc:
            raise _Failure(USAGE_ERROR, "%s check: error: %s (see --help)" % (prog, _one_line(exc)))
        result = _check.check(host, port, timeout=options.timeout,
                              cafile=options.cafile, servername=servername)
        if options.json:
            _output(out, _dump(result) + "\n")
        else:
            _output(out, _check.render(clean(result), use_colour(options.color, out)))
        return 0 if result["ok"] else 1
    options = report_parser(prog).parse_args(args)
    _config_errors(prog)
    report = _diagnostics.collect()
    if options.json:
        _output(out, _dump(report) + "\n")
    else:
        # Cleaned first: 2.7 cannot format undecodable bytes into text.
        _output(out, _report.render(clean(report), use_colour(options.color, out)))
    return int(report["exit_code"])


def _config_errors(prog):
    # type: (str) -> None
    if startup.ERRORS:
        raise _Failure(CONFIG_ERROR, "%s: configuration error: %s" % (
            prog, _one_line(startup.ERRORS[0])))


def _output(stream, text):
    # type: (Any, str) -> None
    if stream is None:  # 3.x sets sys.stdout to None when descriptor 1 is closed
        raise _Failure(OUTPUT_ERROR, "cannot write the output: stdout is closed")
    try:
        write(stream, text)
    except (IOError, OSError, ValueError) as exc:  # EPIPE, EBADF; ValueError: closed file
        _silence(stream)
        raise _Failure(OUTPUT_ERROR, "cannot write the output: %s" % _one_line(
            getattr(exc, "strerror", None) or exc))


def _silence(stream):
    # type: (Any) -> None
    """Point ``stream``'s descriptor at /dev/null, so that the interpreter's
    own flush at exit does not fail again with a traceback."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)
    except (IOError, OSError, ValueError, AttributeError):  # no descriptor to redirect
        pass


def main(argv=None, prog=None):
    # type: (Optional[List[str]], Optional[str]) -> int
    """Run the command line; return the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    prog = prog or ("python -m secureshim" if argv is None and _run_as_module() else "secureshim")
    debug = "--debug" in args or bool(os.environ.get(DEBUG_ENV))
    try:
        return _run(args, prog)
    except _Failure as failure:
        _error_line(failure.message)
        return failure.code
    except KeyboardInterrupt:
        _error_line("%s: interrupted" % prog)
        return INTERRUPTED
    except Exception as exc:  # the boundary: a bug must not end as a traceback
        if debug:
            _error_line(traceback.format_exc().rstrip("\n"))
        _error_line("%s: internal error: %s: %s (%s; please report it)" % (
            prog, exc.__class__.__name__, _one_line(exc),
            "traceback above" if debug else "--debug or %s=1 shows the traceback" % DEBUG_ENV))
        return INTERNAL_ERROR


def _error_line(text):
    # type: (str) -> None
    if sys.stderr is None:  # descriptor 2 closed: nowhere to say it
        return
    try:
        write(sys.stderr, text + "\n")
    except (IOError, OSError, ValueError):
        pass


def _run_as_module():
    # type: () -> bool
    return os.path.basename(sys.argv[0]) in ("__main__.py", "-c", "-m")
