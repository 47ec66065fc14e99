"""The report of ``python -m secureshim`` as aligned text for a terminal."""
from __future__ import absolute_import, division, print_function

from .._diagnostics import DEGRADED, OK
from .render import Painter, rows, yes

MYPY = False
if MYPY:  # pragma: no cover
    from typing import Any, Dict, List  # noqa: F401


def render(report, colour=False):
    # type: (Dict[str, Any], bool) -> str
    """The report (``_diagnostics.collect()``) as text, one section per topic."""
    paint = Painter(colour)
    interp, plat, ossl = report["interpreter"], report["platform"], report["openssl"]
    fips = ossl["fips"]
    sections = []  # type: List[List[str]]
    sections.append(rows("interpreter", [
        ("python", "%s %s (%s-bit)" % (interp["implementation"], interp["version"], interp["bits"])),
        ("executable", interp["executable"]),
        ("platform", plat["platform"]),
        ("secureshim", "%s (%s)" % (report["secureshim"]["version"], report["secureshim"]["path"])),
        ("openssl", "%s%s" % (ossl["version"] or "not available",
                               "" if ossl["flavour"] in (None, "OpenSSL") else " [%s]" % ossl["flavour"])),
        ("fips mode", "%s (kernel: %s, openssl: %s)" % (
            yes(fips["enabled"]), yes(fips["kernel"]), yes(fips["openssl"]))),
    ], paint))

    prim_rows = []
    tier_width = max([len(str(entry["tier"])) for entry in report["primitives"]] + [4])
    for entry in report["primitives"]:
        status = "degraded" if entry["degraded"] else "ok"
        mark = paint(status, DEGRADED if entry["degraded"] else OK) + " " * (8 - len(status))
        prim_rows.append((entry["name"], "%-*s  %s  %s" % (
            tier_width, entry["tier"], mark, entry["reason"])))
    sections.append(rows("primitives (tier, status, why)", prim_rows, paint))

    tls = report["tls"]
    tls_rows = [
        ("ssl module", yes(tls["available"])),
        ("SNI", yes(tls["sni"])),
        ("TLS 1.2", yes(tls["tls1_2"])),
        ("TLS 1.3", yes(tls["tls1_3"])),
        ("hostname_checks_common_name", "not supported" if tls["hostname_checks_common_name"] is None
         else str(tls["hostname_checks_common_name"])),
    ]
    ctx = tls["default_context"]
    if ctx is not None:
        tls_rows += [
            ("default context", ctx["source"]),
            ("minimum version", "%s (from %s)" % (ctx["minimum_version"], ctx["minimum_version_from"])),
            ("verify mode", "%s, check_hostname=%s" % (ctx["verify_mode"], ctx["check_hostname"])),
        ]
    ca = tls["ca"]
    if ca is not None:
        tls_rows.append(("CA certificates", "%s (%s%s)" % (
            ca["count"] if ca["count"] is not None else "unknown",
            ca["source"], ": %s" % ca["location"] if ca["location"] else "")))
    sections.append(rows("TLS", tls_rows, paint))

    flags = report["features"]
    sections.append(rows("stdlib capability flags (secureshim.features)", [
        (name, yes(value) if isinstance(value, bool) or value is None else str(value))
        for name, value in sorted(flags.items())
    ], paint))

    https = report["https_verification"]
    sections.append(rows("stdlib HTTPS verification (PEP 476/493)", [
        ("verifies", yes(https["enabled"])),
        ("decided by", "%s: %s" % (https["decided_by"], https["detail"])),
    ], paint))

    hashes = report["hashlib"]
    urandom = report["urandom"]
    pip = report["ensurepip"]
    sections.append(rows("other", [
        ("algorithms_guaranteed", ", ".join(hashes["algorithms_guaranteed"])),
        ("only available", ", ".join(hashes["only_available"]) or "-"),
    ] + ([("refused by hashlib", ", ".join(hashes["guaranteed_missing"]))]
         if hashes["guaranteed_missing"] else []) + [
        ("urandom source", "%s: %s" % (urandom["source"], urandom["detail"])),
        ("ensurepip", "%s (pip %s)" % (yes(pip["available"]), pip["pip_version"] or "unknown")
         if pip["available"] else "no: %s" % pip["detail"]),
    ], paint))

    verdict = report["verdict"]
    lines = [paint("verdict: %s" % verdict, verdict) + "  (exit code %d)" % report["exit_code"]]
    for item in report["findings"]:
        lines.append("  %s %s" % (paint(item["severity"], item["severity"]), item["message"]))
    sections.append(lines)
    return "\n\n".join("\n".join(section) for section in sections) + "\n"

