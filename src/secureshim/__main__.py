"""``python -m secureshim`` (or ``secureshim``): this interpreter's security posture.

    python -m secureshim [--json] [--color WHEN]
    python -m secureshim check HOST[:PORT] [--cafile FILE] [--servername NAME]
                               [--timeout SECONDS] [--json] [--color WHEN]

The report's exit code is its verdict: 0 OK, 1 DEGRADED, 2 INSECURE.
``check`` exits 0 when the handshake and its verification succeed and 1
when they fail. A usage error prints one line and exits 2.
"""
from __future__ import absolute_import, division, print_function

import argparse
import json
import os
import sys

from . import __version__, _check, _diagnostics
from ._typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from typing import Any, List, NoReturn, Optional  # noqa: F401

USAGE_ERROR = 2

REPORT_EPILOG = """\
the report:
  interpreter, platform, OpenSSL (or LibreSSL/BoringSSL) and FIPS mode;
  each primitive's tier and why, degraded ones flagged; TLS: SNI, TLS 1.2
  and 1.3, hostname_checks_common_name, the default context's minimum
  version and verify mode, CA source and certificate count; whether the
  stdlib's HTTPS clients verify certificates (PEP 476/493) and what decided
  it; hashlib's algorithms; the urandom source; ensurepip's bundled pip.

exit codes (the verdict):
  0  OK        nothing below applies
  1  DEGRADED  a primitive on a weaker tier, no TLS 1.3 or SNI, a default
               context that accepts TLS 1.0/1.1, or no CA certificates
  2  INSECURE  stdlib HTTPS does not verify, no TLS 1.2, or the default
               context does not verify (2 is also a usage error)

JSON (--json): the same content; its schema is docs/diagnostics.schema.json
and carries "schema_version" (currently %d), which changes only when a field
is removed, renamed or changes meaning.

commands:
  check HOST[:PORT]  handshake with a server; see: python -m secureshim check --help

Colour is used only when the output is a terminal (--color auto) and
NO_COLOR is not set.
""" % _diagnostics.SCHEMA_VERSION

CHECK_EPILOG = """\
The handshake uses secureshim's default context: certificates and the host
name are verified, and protocols older than the context's minimum are
refused. On failure a second connection, which verifies nothing, fetches the
certificate (and, for a refused protocol, the newest version the server
speaks) so that the reason is precise: expired, not yet valid, wrong host,
untrusted, protocol too old, timeout, dns, connection, handshake.

exit codes:
  0  verified handshake
  1  the check failed (the reason is printed)
  2  usage error (no host, bad port, bad option)
"""


class _Parser(argparse.ArgumentParser):
    """argparse, with usage errors as one line (exit code 2)."""

    def error(self, message):
        # type: (str) -> NoReturn
        self.exit(USAGE_ERROR, "%s: error: %s (see --help)\n" % (self.prog, message))


def _colour_flag(parser):
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


def report_parser(prog):
    # type: (str) -> argparse.ArgumentParser
    parser = _Parser(
        prog=prog,
        description="Report the security primitives, TLS facts and verdict of "
                    "this Python interpreter.",
        epilog=REPORT_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _colour_flag(parser)
    parser.add_argument("--version", action="version", version="secureshim %s" % __version__)
    return parser


def _positive(text):
    # type: (str) -> float
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError("%r is not a number of seconds" % text)
    if not 0 < value <= 300:
        raise argparse.ArgumentTypeError("timeout must be in (0, 300] seconds, not %s" % text)
    return value


def check_parser(prog):
    # type: (str) -> argparse.ArgumentParser
    parser = _Parser(
        prog=prog + " check",
        description="Make a verified TLS handshake with HOST[:PORT] (default "
                    "port 443) and report the protocol, cipher, certificate "
                    "and host name verdict.",
        epilog=CHECK_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("target", metavar="HOST[:PORT]",
                        help="server to check; an IPv6 address goes in brackets: [::1]:8443")
    parser.add_argument("--cafile", metavar="FILE",
                        help="trust the CA certificates in FILE instead of the default store")
    parser.add_argument("--servername", metavar="NAME",
                        help="host name to send (SNI) and verify; default: HOST")
    parser.add_argument("--timeout", metavar="SECONDS", type=_positive,
                        default=_check.DEFAULT_TIMEOUT,
                        help="timeout of each connection and handshake "
                             "(default %g; at most 3 connections)" % _check.DEFAULT_TIMEOUT)
    _colour_flag(parser)
    return parser


def use_colour(choice, stream):
    # type: (str, Any) -> bool
    if choice == "never":
        return False
    if choice == "always":
        return True
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _dump(data):
    # type: (Any) -> str
    return json.dumps(data, indent=2, sort_keys=True)


def main(argv=None, prog=None):
    # type: (Optional[List[str]], Optional[str]) -> int
    """Run the command line; return the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    prog = prog or ("python -m secureshim" if argv is None and _run_as_module() else "secureshim")
    out = sys.stdout
    if args and args[0] == "check":
        options = check_parser(prog).parse_args(args[1:])
        try:
            host, port = _check.parse_target(options.target)
        except _check.UsageError as exc:
            sys.stderr.write("%s check: error: %s (see --help)\n" % (prog, exc))
            return USAGE_ERROR
        result = _check.check(host, port, timeout=options.timeout,
                              cafile=options.cafile, servername=options.servername)
        if options.json:
            out.write(_dump(result) + "\n")
        else:
            out.write(_check.render(result, use_colour(options.color, out)))
        return 0 if result["ok"] else 1
    options = report_parser(prog).parse_args(args)
    report = _diagnostics.collect()
    if options.json:
        out.write(_dump(report) + "\n")
    else:
        out.write(_diagnostics.render(report, use_colour(options.color, out)))
    return int(report["exit_code"])


def _run_as_module():
    # type: () -> bool
    return os.path.basename(sys.argv[0]) in ("__main__.py", "-c", "-m")


if __name__ == "__main__":
    sys.exit(main())
