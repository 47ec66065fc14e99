"""python -m secureshim: the report, its JSON schema, the verdict, exit codes."""
from __future__ import absolute_import, division, print_function

import copy
import hashlib
import io
import json
import os
import platform
import re
import subprocess
import sys

import pytest

import secureshim
from secureshim import __main__ as cli
from secureshim import _detect, _diagnostics, _tier, features
from secureshim._cli import main as cli_main
from secureshim._cli import render

from . import schema_check
from .conftest import run_python

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCHEMA_PATH = os.path.join(ROOT, "docs", "diagnostics.schema.json")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def load_schema():
    with io.open(SCHEMA_PATH, encoding="utf-8") as handle:
        return json.load(handle)


def report_schema():
    schema = load_schema()
    return dict(schema["definitions"]["report"], definitions=schema["definitions"])


def run_cli(args, env=None):
    """``python -m secureshim ARGS`` in a fresh interpreter."""
    return run_python(
        "import sys; from secureshim.__main__ import main; sys.exit(main(sys.argv[1:]))",
        env=env, args=args,
    )


def validated_json(result):
    """The JSON report a ``run_cli(["--json"])`` printed, checked against the schema."""
    data = json.loads(result.out)
    schema_check.validate(data, report_schema())
    return data


def primitive_entry(data, name):
    """The report's entry for the primitive ``name``."""
    return [e for e in data["primitives"] if e["name"] == name][0]


@pytest.fixture(scope="module")
def report():
    return _diagnostics.collect()


# -- content on this interpreter ------------------------------------------------


def test_interpreter_and_openssl_facts(report):
    import ssl

    assert report["schema_version"] == _diagnostics.SCHEMA_VERSION == 1
    assert report["interpreter"]["version"] == platform.python_version()
    assert report["interpreter"]["executable"] == sys.executable
    assert report["openssl"]["version"] == ssl.OPENSSL_VERSION
    assert report["openssl"]["version_info"] == list(ssl.OPENSSL_VERSION_INFO)
    assert report["openssl"]["flavour"] == _diagnostics.openssl_flavour(ssl.OPENSSL_VERSION)
    assert report["secureshim"]["version"] == secureshim.__version__
    assert report["features"] == features.as_dict()


def test_primitives_match_backends(report):
    chosen = secureshim.backends()
    entries = dict((entry["name"], entry) for entry in report["primitives"])
    assert set(chosen) <= set(entries)
    for name, tier in chosen.items():
        assert entries[name]["tier"] == tier
        assert list(entries[name]["tiers"]) == list(_tier.REGISTRY[name].names)
        assert entries[name]["reason"]
    # Nothing is forced here, and native tiers are never degraded.
    for entry in report["primitives"]:
        assert not entry["forced"]
        if entry["tier"] == "native":
            assert not entry["degraded"], entry


def test_tls_facts(report):
    import ssl

    tls = report["tls"]
    assert tls["sni"] == bool(ssl.HAS_SNI)
    assert tls["tls1_3"] == bool(getattr(ssl, "HAS_TLSv1_3", False))
    assert tls["tls1_2"] == features.HAS_TLSv1_2
    context = tls["default_context"]
    assert context["verify_mode"] == "CERT_REQUIRED"
    assert context["check_hostname"] is True
    factory = getattr(secureshim, "create_default_context", ssl.create_default_context)
    ctx = factory()
    if hasattr(ctx, "minimum_version") and ctx.minimum_version.name != "MINIMUM_SUPPORTED":
        assert context["minimum_version"] == ctx.minimum_version.name
    if hasattr(ctx, "hostname_checks_common_name"):
        assert tls["hostname_checks_common_name"] == ctx.hostname_checks_common_name
    else:
        assert tls["hostname_checks_common_name"] is None
    ca = tls["ca"]
    assert ca["loaded"] == ctx.cert_store_stats()["x509_ca"]
    if ca["source"] in ("platform-file", "cafile", "certifi"):
        with open(ca["location"], "rb") as handle:
            assert ca["count"] == handle.read().count(b"-----BEGIN CERTIFICATE-----")


def test_https_verification_state(report):
    import ssl

    https = report["https_verification"]
    factory = ssl._create_default_https_context
    assert https["enabled"] == (factory is ssl.create_default_context)
    assert https["decided_by"] == "default"


def test_hashlib_and_urandom(report):
    hashes = report["hashlib"]
    assert hashes["algorithms_guaranteed"] == sorted(secureshim.algorithms_guaranteed)
    assert hashes["algorithms_available"] == sorted(secureshim.algorithms_available)
    assert set(hashes["only_available"]) == (
        set(secureshim.algorithms_available) - set(secureshim.algorithms_guaranteed)
    )
    if hasattr(hashlib, "algorithms_guaranteed"):
        assert hashes["native_sets"]
    source = report["urandom"]["source"]
    if sys.platform.startswith("linux") and hasattr(os, "getrandom"):
        assert source == "getrandom"
    elif sys.platform.startswith("linux"):
        assert source == "cached descriptor"


def test_ensurepip_version_is_the_bundled_one(report):
    try:
        import ensurepip
    except ImportError:
        assert report["ensurepip"]["available"] is False
        return
    info = report["ensurepip"]
    if info["available"]:
        expected = getattr(ensurepip, "_PIP_VERSION", None) or ensurepip.version()
        assert info["pip_version"] == expected
        assert info["detail"].startswith("pip-%s-" % expected)


def test_ensurepip_missing_is_reported():
    out = run_python(
        """
        import json, sys
        sys.modules["ensurepip"] = None  # as when a distribution removes it
        from secureshim import _diagnostics
        print(json.dumps(_diagnostics.ensurepip_info()))
        """
    ).check().out
    info = json.loads(out)
    assert info["available"] is False and info["pip_version"] is None


def test_report_without_an_ssl_module():
    result = run_python(
        """
        import json, sys
        sys.modules["ssl"] = sys.modules["_ssl"] = None  # a Python built without OpenSSL
        import secureshim
        from secureshim import _diagnostics
        report = _diagnostics.collect()
        print(json.dumps({"report": report, "injected": secureshim.inject_into_stdlib()}))
        """
    ).check()
    out = json.loads(result.out)
    report = out["report"]
    schema_check.validate(report, report_schema())
    assert report["openssl"]["available"] is False
    assert report["tls"]["available"] is False and report["tls"]["default_context"] is None
    assert report["https_verification"]["decided_by"] == "no-ssl"
    assert {"compare_digest", "urandom"} <= set(e["name"] for e in report["primitives"])
    assert any(f["topic"] == "tls" and "no ssl module" in f["message"] for f in report["findings"])
    assert report["verdict"] == "DEGRADED"
    assert not [name for name in out["injected"] if name.startswith("ssl.")]


def test_fips_from_the_kernel_flag(tmp_path):
    flag = tmp_path / "fips_enabled"
    flag.write_text(u"1\n")
    assert _diagnostics.fips_info(str(flag))["kernel"] is True
    assert _diagnostics.fips_info(str(flag))["enabled"] is True
    flag.write_text(u"0\n")
    info = _diagnostics.fips_info(str(flag))
    assert info["kernel"] is False
    assert info["enabled"] is bool(info["openssl"])
    info = _diagnostics.fips_info(str(tmp_path / "missing"))
    assert info["kernel"] is None


@pytest.mark.parametrize("text, expected", [
    ("OpenSSL 3.0.19 27 Jan 2026", "OpenSSL"),
    ("OpenSSL 1.0.2k-fips  26 Jan 2017", "OpenSSL"),
    ("LibreSSL 3.3.6", "LibreSSL"),
    ("BoringSSL", "BoringSSL"),
    (None, None),
])
def test_openssl_flavour(text, expected):
    assert _diagnostics.openssl_flavour(text) == expected


# -- JSON and its schema --------------------------------------------------------------


def test_json_output_matches_the_schema_and_the_exit_code():
    result = run_cli(["--json"])
    data = validated_json(result)
    schema_check.validate(data, load_schema())  # the file's own oneOf
    assert result.returncode == data["exit_code"] == _diagnostics.EXIT_CODES[data["verdict"]]
    assert result.err == ""


def test_the_validator_catches_violations(report):
    schema = report_schema()
    data = json.loads(json.dumps(report))
    schema_check.validate(data, schema)
    broken = []
    for mutate in (
        lambda d: d.pop("verdict"),
        lambda d: d.update(verdict="FINE"),
        lambda d: d.update(schema_version=2),
        lambda d: d.update(surprise=1),
        lambda d: d["tls"].update(sni="yes"),
        lambda d: d["primitives"][0].update(degraded=None),
        lambda d: d["hashlib"]["algorithms_guaranteed"].append(5),
        lambda d: d.update(exit_code=True),
    ):
        copied = copy.deepcopy(data)
        mutate(copied)
        try:
            schema_check.validate(copied, schema)
        except schema_check.SchemaError:
            broken.append(True)
    assert len(broken) == 8


def test_schema_file_uses_only_keywords_the_validator_checks():
    def walk(node):
        if isinstance(node, dict):
            unknown = set(node) - schema_check.KEYWORDS
            # "properties" and "definitions" map names to schemas.
            assert not unknown or node is load_schema()["definitions"], unknown
            for key, value in node.items():
                if key in ("properties", "definitions"):
                    for sub in value.values():
                        walk(sub)
                elif key in ("items", "additionalProperties") and isinstance(value, dict):
                    walk(value)
                elif key == "oneOf":
                    for sub in value:
                        walk(sub)
    walk(load_schema())


# -- verdict logic -------------------------------------------------------------------------


def _verdict(report, **changes):
    data = copy.deepcopy(report)
    for path, value in changes.items():
        node = data
        keys = path.split("__")
        for key in keys[:-1]:
            node = node[key]
        node[keys[-1]] = value
    found = _diagnostics.findings(data)
    return _diagnostics.verdict_of(found), found


def _clean(report):
    data = copy.deepcopy(report)
    data["tls"].update(sni=True, tls1_2=True, tls1_3=True)
    data["tls"]["default_context"].update(
        minimum_version="TLSv1_2", verify_mode="CERT_REQUIRED", check_hostname=True)
    data["tls"]["ca"]["source"] = "platform-file"
    data["https_verification"].update(enabled=True, decided_by="default")
    for entry in data["primitives"]:
        entry.update(warnings=[], degraded=False, tier=entry["tier"] or "native")
    return data


def test_verdict_ok_when_nothing_is_wrong(report):
    assert _verdict(_clean(report)) == ("OK", [])


@pytest.mark.parametrize("change, verdict", [
    ({"https_verification__enabled": False}, "INSECURE"),
    ({"tls__tls1_2": False}, "INSECURE"),
    ({"tls__tls1_3": False}, "DEGRADED"),
    ({"tls__sni": False}, "DEGRADED"),
    ({"tls__default_context__minimum_version": "TLSv1"}, "DEGRADED"),
    ({"tls__default_context__verify_mode": "CERT_NONE"}, "INSECURE"),
    ({"tls__default_context__check_hostname": False}, "INSECURE"),
    ({"tls__ca__source": "none"}, "DEGRADED"),
    ({"tls__available": False}, "DEGRADED"),
])
def test_verdict_rules(report, change, verdict):
    got, found = _verdict(_clean(report), **change)
    assert got == verdict
    assert len(found) == 1 and found[0]["severity"] == verdict


def test_insecure_wins_over_degraded(report):
    got, found = _verdict(_clean(report), tls__tls1_3=False, https_verification__enabled=False)
    assert got == "INSECURE" and len(found) == 2


def test_forced_degraded_tier_makes_the_verdict_degraded():
    result = run_cli(["--json"], env={"SECURESHIM_FORCE": "compare_digest=python"})
    data = validated_json(result)
    entry = primitive_entry(data, "compare_digest")
    assert entry["tier"] == "python" and entry["forced"] and entry["degraded"]
    assert "SECURESHIM_FORCE" in entry["reason"]
    assert entry["warnings"] and entry["warnings"][0].endswith("Fix: unset SECURESHIM_FORCE.")
    assert data["verdict"] in ("DEGRADED", "INSECURE")
    assert any(f["topic"] == "compare_digest" and f["severity"] == "DEGRADED"
               for f in data["findings"])
    assert result.returncode == data["exit_code"] >= 1


def test_forced_pyopenssl_tls_tier_is_degraded_but_enforces_tls12():
    result = run_cli(["--json"], env={"SECURESHIM_FORCE": "create_default_context=pyopenssl"})
    data = validated_json(result)
    entry = primitive_entry(data, "create_default_context")
    assert entry["tier"] == "pyopenssl" and entry["forced"] and entry["degraded"]
    assert "pyOpenSSL" in entry["reason"]
    context = data["tls"]["default_context"]
    assert context["minimum_version"] == "TLSv1_2"
    assert context["minimum_version_from"] == "minimum_version"
    assert context["verify_mode"] == "CERT_REQUIRED" and context["check_hostname"]
    assert data["verdict"] == "DEGRADED" and result.returncode == 1


def test_forced_legacy_tls_tier_reports_its_real_floor():
    import ssl

    result = run_cli(["--json"], env={"SECURESHIM_FORCE": "create_default_context=legacy"})
    if not hasattr(ssl, "wrap_socket"):  # removed in 3.12: the tier cannot run
        assert result.returncode == cli_main.CONFIG_ERROR, result.err
        (line,) = result.err.splitlines()
        assert line.startswith(
            "secureshim: configuration error: SECURESHIM_FORCE: "
            "create_default_context=legacy cannot run on this interpreter; "
            "tiers available here: native"), line
        assert result.out == ""
        return
    data = validated_json(result)
    entry = primitive_entry(data, "create_default_context")
    assert entry["tier"] == "legacy" and entry["degraded"]
    assert any("SNI" in message for message in entry["warnings"])
    # It keeps minimum_version but cannot enforce it: the options decide.
    context = data["tls"]["default_context"]
    assert context["minimum_version_from"] == "options"
    assert context["minimum_version"] == "TLSv1"
    assert any("accepts TLSv1" in f["message"] for f in data["findings"])
    assert data["verdict"] == "DEGRADED" and result.returncode == 1


def test_forced_fd_urandom_is_reported_as_its_source():
    result = run_cli(["--json"], env={"SECURESHIM_FORCE": "urandom=fd"})
    data = validated_json(result)
    assert data["urandom"]["source"] == "secureshim fd"
    entry = primitive_entry(data, "urandom")
    assert entry["tier"] == "fd"
    assert entry["degraded"] == _detect.URANDOM_IS_C


def test_unverified_stdlib_https_is_insecure_with_exit_code_2():
    result = run_python(
        """
        import json, ssl, sys
        ssl._create_default_https_context = ssl._create_unverified_context
        from secureshim.__main__ import main
        sys.exit(main(["--json"]))
        """
    )
    data = json.loads(result.out)
    assert result.returncode == 2
    assert data["verdict"] == "INSECURE"
    assert data["https_verification"]["enabled"] is False
    assert data["https_verification"]["decided_by"] == "external"


def test_runtime_switch_is_reported_and_insecure():
    result = run_python(
        """
        import json, warnings
        import secureshim
        from secureshim import _diagnostics
        with warnings.catch_warnings(record=True):
            warnings.simplefilter("always")  # the switch warns that it disables
            secureshim.https_verify_certificates(False)
            off = _diagnostics.collect()
            secureshim.https_verify_certificates(True)
            on = _diagnostics.collect()
        print(json.dumps({"off": off["https_verification"], "verdict": off["verdict"],
                          "code": off["exit_code"], "on": on["https_verification"]}))
        """
    ).check()
    out = json.loads(result.out)
    assert out["off"]["enabled"] is False
    assert out["off"]["decided_by"] == "runtime"
    assert out["verdict"] == "INSECURE" and out["code"] == 2
    assert out["on"]["enabled"] is True and out["on"]["decided_by"] == "runtime"


def test_policy_from_the_environment_is_reported():
    result = run_python(
        """
        import json, warnings
        import secureshim
        from secureshim import _diagnostics
        with warnings.catch_warnings(record=True):
            warnings.simplefilter("always")
            secureshim.apply_https_verify_policy()
        print(json.dumps(_diagnostics.https_verification()))
        """,
        env={"PYTHONHTTPSVERIFY": "0"},
    ).check()
    https = json.loads(result.out)
    assert https == {"enabled": False, "decided_by": "environment",
                     "detail": "PYTHONHTTPSVERIFY=0"}


def test_pythonhttpsverify_is_honoured_only_where_pep_493_is():
    import ssl

    result = run_cli(["--json"], env={"PYTHONHTTPSVERIFY": "0"})
    https = json.loads(result.out)["https_verification"]
    if hasattr(ssl, "_https_verify_envvar"):  # 2.7.12+ reads the variable
        assert https["enabled"] is False
        assert https["decided_by"] == "environment"
        assert result.returncode == 2
    else:
        assert https["enabled"] is True
        assert https["decided_by"] == "default"
        assert "ignores it" in https["detail"]


# -- the text output and the command line ---------------------------------------------


def test_text_report_is_aligned_and_has_every_section():
    result = run_cli(["--color", "never"])
    text = result.out
    for title in ("interpreter", "primitives", "TLS", "stdlib HTTPS verification",
                  "stdlib capability flags", "verdict:"):
        assert title in text
    for word in ("compare_digest", "urandom", "HAS_TLSv1_2", "TLS 1.3", "ensurepip",
                 "urandom source", "CA certificates", "minimum version", "fips mode"):
        assert word in text
    assert "\x1b[" not in text
    # Within a section every value starts in the same column.
    for section in text.split("\n\n"):
        lines = section.splitlines()[1:]
        if not lines or lines[0].startswith("  DEGRADED") or lines[0].startswith("  INSECURE"):
            continue
        columns = set(re.match(r"  \S+(?: \S+)*?\s{2,}", line).end() for line in lines)
        assert len(columns) == 1, section


def test_colour_only_when_asked_or_on_a_terminal():
    assert "\x1b[" in run_cli(["--color", "always"]).out
    assert "\x1b[" not in run_cli([]).out  # a pipe is not a terminal
    assert render.use_colour("auto", io.StringIO()) is False


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="no pseudo-terminals (os.openpty) here")
def test_colour_on_a_terminal_unless_no_color():
    def on_tty(extra_env):
        master, slave = os.openpty()
        env = dict(os.environ)
        env.pop("NO_COLOR", None)
        env.update(extra_env)
        proc = subprocess.Popen(
            [sys.executable, "-m", "secureshim"], stdout=slave, stderr=slave, env=env)
        os.close(slave)
        chunks = []
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO once the child has closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        proc.wait()
        os.close(master)
        return b"".join(chunks).decode("utf-8", "replace")

    assert "\x1b[" in on_tty({})
    plain = on_tty({"NO_COLOR": "1"})
    assert "verdict:" in plain and "\x1b[" not in plain


EXIT_CODE_LINES = [
    r"\n  0 +OK", r"\n  1 +DEGRADED", r"\n  2 +INSECURE", r"\n  64 +usage error",
    r"\n  70 +internal error", r"\n  74 +the output could not be written",
    r"\n  78 +configuration error", r"\n  130 +interrupted",
]


def test_help_documents_everything():
    result = run_cli(["--help"])
    assert result.returncode == 0
    for word in ("--json", "--color", "--debug", "check HOST[:PORT]", "exit codes", "OK",
                 "DEGRADED", "INSECURE", "schema_version", "NO_COLOR", "PEP 476/493",
                 "SECURESHIM_DEBUG", "SECURESHIM_FORCE"):
        assert word in result.out, word
    for line in EXIT_CODE_LINES:
        assert re.search(line, result.out), line
    result = run_cli(["check", "--help"])
    assert result.returncode == 0
    for word in ("--cafile", "--servername", "--timeout", "--json", "expired", "wrong host",
                 "untrusted", "x509 strict", "VERIFY_X509_STRICT", "protocol too old",
                 "usage error"):
        assert word in result.out, word
    for line in EXIT_CODE_LINES:
        assert re.search(line, result.out), line


def test_docs_list_the_exit_codes():
    with io.open(os.path.join(ROOT, "docs", "diagnostics.md"), encoding="utf-8") as handle:
        text = handle.read()
    for code in (cli_main.USAGE_ERROR, cli_main.INTERNAL_ERROR, cli_main.OUTPUT_ERROR,
                 cli_main.CONFIG_ERROR, cli_main.INTERRUPTED):
        assert "| %d |" % code in text, code
    assert cli_main.DEBUG_ENV in text


@pytest.mark.parametrize("args", [["--bogus"], ["--color", "purple"], ["extra"]])
def test_bad_arguments_give_one_line_and_the_usage_exit_code(args):
    result = run_cli(args)
    assert result.returncode == cli_main.USAGE_ERROR == 64
    assert result.out == ""
    assert len(result.err.strip().splitlines()) == 1, result.err
    assert "error:" in result.err and "Traceback" not in result.err


# The ways the command line starts: python -m, the console script (which
# imports secureshim.__main__ and calls main), and runpy from code.
ENTRY_POINTS = {
    "python -m": ["-m", "secureshim"],
    "console script": ["-c", "import sys; from secureshim.__main__ import main; sys.exit(main())"],
    "runpy": ["-c", "import runpy; runpy.run_module('secureshim', run_name='__main__')"],
}


def run_entry(entry, args=(), env=None):
    full_env = dict(os.environ)
    full_env.update(env or {})
    proc = subprocess.Popen([sys.executable] + ENTRY_POINTS[entry] + list(args),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=full_env)
    out, err = proc.communicate()
    return proc.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace")


@pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))
@pytest.mark.parametrize("value, args, message", [
    ("bogus", [], "cannot understand 'bogus'"),
    ("urandom=gold", ["--json"], "cannot understand 'urandom=gold'"),
    ("urandom=fd,urandom=native", ["check", "127.0.0.1:1"], "urandom is forced twice"),
])
def test_bad_force_is_one_line_and_the_configuration_exit_code(entry, value, args, message):
    code, out, err = run_entry(entry, args, env={"SECURESHIM_FORCE": value})
    assert code == cli_main.CONFIG_ERROR == 78, (code, out, err)
    assert out == ""  # nothing a fleet gate could read as a report
    assert "Traceback" not in err, err
    (line,) = err.splitlines()
    assert "configuration error: SECURESHIM_FORCE: " in line and message in line, line


def test_bad_force_still_raises_at_import_in_user_code():
    result = run_python(
        """
        try:
            import secureshim
        except ValueError as exc:
            print("ValueError: %s" % exc)
        """,
        env={"SECURESHIM_FORCE": "bogus"},
    ).check()
    assert result.out.startswith("ValueError: SECURESHIM_FORCE: cannot understand 'bogus'; "
                                 "valid choices are ")


def test_internal_error_is_one_line_with_its_own_code():
    code = """
        import sys
        from secureshim import _diagnostics
        from secureshim.__main__ import main
        def collect():
            raise KeyError("a bug")
        _diagnostics.collect = collect
        sys.exit(main(sys.argv[1:]))
    """
    result = run_python(code, args=["--json"])
    assert result.returncode == cli_main.INTERNAL_ERROR == 70
    (line,) = result.err.splitlines()
    assert "internal error: KeyError: 'a bug'" in line and "--debug" in line
    for args, env in ((["--json", "--debug"], None), (["--json"], {"SECURESHIM_DEBUG": "1"})):
        result = run_python(code, args=args, env=env)
        assert result.returncode == 70
        assert "Traceback (most recent call last)" in result.err
        assert result.err.strip().splitlines()[-1].endswith("(traceback above; please report it)")


@pytest.mark.skipif(not hasattr(os, "pipe"), reason="no os.pipe here")
def test_closed_stdout_is_the_output_exit_code():
    read_end, write_end = os.pipe()
    os.close(read_end)  # writes to the pipe now fail with EPIPE
    env = dict(os.environ)
    env.pop("SECURESHIM_FORCE", None)
    proc = subprocess.Popen([sys.executable, "-m", "secureshim", "--json"],
                            stdout=write_end, stderr=subprocess.PIPE, env=env)
    os.close(write_end)
    err = proc.communicate()[1].decode("utf-8", "replace")
    assert proc.returncode == cli_main.OUTPUT_ERROR == 74, err
    (line,) = err.splitlines()
    assert "cannot write the output" in line
    result = run_python("import os, sys; os.close(1); sys.stdout = None\n"
                        "from secureshim.__main__ import main; sys.exit(main([]))")
    assert result.returncode == 74 and "stdout is closed" in result.err


HOSTILE_VALUE = b"\xff\xfe caf\xc3\xa9 \xe9"


@pytest.mark.parametrize("encoding_env", [
    {"PYTHONIOENCODING": "ascii"},
    {"PYTHONIOENCODING": "utf-8"},
    {"PYTHONIOENCODING": "latin-1"},
    {"LANG": "C", "LC_ALL": "C", "PYTHONIOENCODING": None},
])
@pytest.mark.parametrize("args", [["--color", "never"], ["--json"]])
def test_report_renders_any_bytes_on_any_stdout(encoding_env, args):
    """Environment values that are not UTF-8, printed to any encoding."""
    if str is bytes:
        value = HOSTILE_VALUE
    else:
        value = HOSTILE_VALUE.decode("utf-8", "surrogateescape")
    env = dict(encoding_env, PYTHONHTTPSVERIFY=value)
    result = run_cli(args, env=env)
    assert result.returncode in (0, 1, 2), result.err
    assert result.err == ""
    if "--json" in args:
        text = validated_json(result)["https_verification"]["detail"]
    else:
        text = result.out
    if not hasattr(ssl_module(), "_https_verify_envvar"):  # 2.7.12+ reads it itself
        # The bytes that are not UTF-8 show as \xNN escapes.
        assert "PYTHONHTTPSVERIFY=\\xff\\xfe caf" in text and "\\xe9" in text, text


def ssl_module():
    import ssl

    return ssl


def test_python_m_secureshim_runs_the_cli():
    result = run_python("import runpy; runpy.run_module('secureshim', run_name='__main__')",
                        args=["--json"])
    data = json.loads(result.out)
    assert result.returncode == data["exit_code"]


def test_version_flag():
    result = run_cli(["--version"])
    assert result.returncode == 0
    assert secureshim.__version__ in result.out + result.err


def test_main_in_process_returns_the_exit_code(capsys):
    code = cli.main(["--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == data["exit_code"]
    text_code = cli.main(["--color", "never"])
    out = capsys.readouterr().out
    assert text_code == code
    assert ("verdict: %s" % data["verdict"]) in ANSI.sub("", out)
