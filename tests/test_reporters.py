"""Reporters: every format from an in-memory Report; no format may leak a secret."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from ideaudit.model import (
    ContextReport,
    Edit,
    EnvVar,
    Finding,
    Layer,
    Location,
    Report,
    Severity,
    Summary,
    ToolLookup,
)
from ideaudit.redact import scrub_report
from ideaudit.report import FORMATS, render
from ideaudit.report.json_format import to_plain
from ideaudit.rules.base import Rule

WS = "/home/ana/api"

# --- secret material (none of it may appear in any output) -----------------------------
GH_TOKEN = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzSECRETzz"
AWS_KEY_ID = "AKIAIOSFODNN7QWERTYZ"
PROXY_PASSWORD = "s3cr3t-pw"
NPM_SECRET = "npm-plain-secret-value"  # no token shape: only its name makes it secret
RAW_SECRET = "raw-layer-secret-42"
SECRETS = (GH_TOKEN, AWS_SECRET, AWS_KEY_ID, PROXY_PASSWORD, NPM_SECRET, RAW_SECRET)

# --- values that must survive redaction ------------------------------------------------
PROXY_CTX = f"https://alice:{PROXY_PASSWORD}@proxy.corp.example,direct"
PROXY_SHELL = "https://proxy.golang.org,direct"
PUBLIC = ("alice:****@proxy.corp.example", "proxy.golang.org", "go is not on the PATH")

ANSI = re.compile(r"\x1b\[[0-9;]*m")
CONCISE = re.compile(r"^(.+):(\d+):(\d+): (error|warning|info) ([A-Z]\d{3}) (.*)$")


def loc(rel: str, line: int | None = None, col: int | None = None) -> Location:
    return Location(f"{WS}/{rel}", line, col)


def var(name: str, value: str | None, *layers: Layer) -> EnvVar:
    return EnvVar(name, value, layers or (Layer("login shell (bash -l -i)", value),))


def make_rules() -> dict[str, Rule]:
    def rule(code: str, name: str, sev: Severity) -> Rule:
        return Rule(
            code,
            name,
            f"title of {code}",
            sev,
            f"Explanation of {code}.\nSecond line.",
            f"Fix for {code}.",
            check=lambda a: [],
        )

    return {
        "E001": rule("E001", "unparsable-file", Severity.ERROR),
        "P001": rule("P001", "go-not-found", Severity.ERROR),
        "M001": rule("M001", "goproxy-differs", Severity.WARNING),
        "X001": rule("X001", "token-in-config", Severity.WARNING),
        "G003": rule("G003", "gopath-info", Severity.INFO),
        "S001": rule("S001", "rc-only-variable", Severity.WARNING),
    }


def make_report() -> Report:
    shell_path = "/usr/local/go/bin:/usr/bin:/bin"
    debug_env = {
        "PATH": var(
            "PATH",
            "/usr/bin:/bin",
            Layer("login shell (bash -l -i)", shell_path, Location("/home/ana/.profile", 3, 1)),
            Layer("go.toolsEnvVars", shell_path, loc(".vscode/settings.json", 4, 3)),
            Layer("launch.json env", "/usr/bin:/bin", loc(".vscode/launch.json", 12, 9)),
        ),
        "GOPATH": var("GOPATH", "/home/ana/go"),
        "GOPRIVATE": var("GOPRIVATE", "git.corp.example/*"),
        "GOPROXY": var("GOPROXY", PROXY_CTX),
        "GITHUB_TOKEN": var(
            "GITHUB_TOKEN",
            GH_TOKEN,
            Layer("launch.json env", GH_TOKEN, loc(".vscode/launch.json", 14, 9), raw=GH_TOKEN),
        ),
        "AWS_SECRET_ACCESS_KEY": var("AWS_SECRET_ACCESS_KEY", AWS_SECRET),
        "AWS_REGION": var("AWS_REGION", "eu-west-1"),
        "MY_KEY_ID": var("MY_KEY_ID", AWS_KEY_ID),
        "NPM_TOKEN": var(
            "NPM_TOKEN",
            NPM_SECRET,
            Layer("envFile .env", NPM_SECRET, loc(".env", 2, 1), raw=RAW_SECRET),
        ),
        "SERVICE_TOKEN": var("SERVICE_TOKEN", "", Layer("launch.json env", "", raw="${env:SERVICE_TOKEN}")),
    }
    contexts = (
        ContextReport(
            id="vscode:debug:Launch API",
            label="VS Code debug 'Launch API'",
            ide="vscode",
            kind="debug",
            folder=WS,
            defined_at=loc(".vscode/launch.json", 5, 5),
            tools=(
                ToolLookup("go", None, "not found", searched=("/usr/bin", "/bin")),
                ToolLookup("dlv", "/home/ana/go/bin/dlv", "GOPATH/bin"),
            ),
            env=debug_env,
        ),
        ContextReport(
            id="vscode:tools",
            label="VS Code tools (gopls, dlv)",
            ide="vscode",
            kind="tools",
            folder=WS,
            defined_at=None,
            tools=(ToolLookup("go", "/usr/local/go/bin/go", "PATH"),),
            env={"GOPROXY": var("GOPROXY", PROXY_SHELL)},
        ),
        ContextReport(
            id="goland:run:server",
            label="GoLand run 'server'",
            ide="goland",
            kind="run",
            folder=WS,
            defined_at=loc(".run/server.run.xml", 3, 3),
            tools=(ToolLookup("go", "/usr/local/go/bin/go", "GOROOT/bin"),),
            env={"GOPATH": var("GOPATH", "/home/ana/go")},
        ),
        ContextReport(
            id="goland:tools",
            label="GoLand tools",
            ide="goland",
            kind="tools",
            folder=WS,
            defined_at=None,
            tools=(ToolLookup("go", "/usr/local/go/bin/go", "PATH"),),
            env={},
        ),
    )
    findings = (
        Finding(
            code="E001",
            severity=Severity.ERROR,
            message=".vscode/settings.json cannot be parsed: unexpected '}'",
            location=loc(".vscode/settings.json", 9, 1),
        ),
        Finding(
            code="P001",
            severity=Severity.ERROR,
            message="go is not on the PATH of this context, but is in your shell",
            fix='Add "${env:PATH}" to the PATH in launch.json.',
            context_id="vscode:debug:Launch API",
            context_label="VS Code debug 'Launch API'",
            location=loc(".vscode/launch.json", 12, 9),
            variable="PATH",
            context_value="/usr/bin:/bin",
            shell_value=shell_path,
            provenance=debug_env["PATH"].layers,
            edits=(Edit(f"{WS}/.vscode/launch.json", 310, 15, '"${env:PATH}"'),),
        ),
        Finding(
            code="M001",
            severity=Severity.WARNING,
            message=f"GOPROXY is {PROXY_CTX} here but {PROXY_SHELL} in your shell",
            fix="Use the same GOPROXY everywhere.",
            context_id="vscode:debug:Launch API",
            context_label="VS Code debug 'Launch API'",
            variable="GOPROXY",
            context_value=PROXY_CTX,
            shell_value=PROXY_SHELL,
            provenance=(Layer("launch.json env", PROXY_CTX, loc(".vscode/launch.json", 13, 9)),),
        ),
        Finding(
            code="X001",
            severity=Severity.WARNING,
            message=f"launch.json holds a token: GITHUB_TOKEN={GH_TOKEN}; also NPM {NPM_SECRET}",
            fix=f"Move GITHUB_TOKEN={GH_TOKEN} to an ignored envFile.",
            context_id="vscode:debug:Launch API",
            context_label="VS Code debug 'Launch API'",
            location=loc(".vscode/launch.json", 14, 9),
            variable="GITHUB_TOKEN",
            context_value=GH_TOKEN,
            shell_value=None,
            provenance=debug_env["GITHUB_TOKEN"].layers,
            edits=(Edit(f"{WS}/.vscode/launch.json", 400, 60, f"# {GH_TOKEN}"),),
        ),
        Finding(
            code="G003",
            severity=Severity.INFO,
            message="GOPATH is set explicitly to /home/ana/go",
            context_id="vscode:tools",
            context_label="VS Code tools (gopls, dlv)",
            variable="GOPATH",
            context_value="/home/ana/go",
            shell_value="/home/ana/go",
        ),
        Finding(
            code="S001",
            severity=Severity.WARNING,
            message="GOFLAGS is set only in ~/.bashrc, which a GUI-launched GoLand never reads",
            context_id="goland:run:server",
            context_label="GoLand run 'server'",
            location=Location("/home/ana/.bashrc", 7),
        ),
    )
    return Report(
        version="0.1.0",
        workspace=WS,
        shell="bash -l -i (/bin/bash)",
        ide_environment="running code (pid 4242)",
        contexts=contexts,
        findings=findings,
        summary=Summary(contexts=4, findings=6, errors=2, warnings=3, infos=1),
    )


def empty_report() -> Report:
    r = make_report()
    return Report(r.version, r.workspace, None, r.ide_environment, r.contexts[2:], (), Summary(2, 0, 0, 0, 0))


def out(fmt: str, *, report: Report | None = None, color: bool = False, verbose: bool = False) -> str:
    report = make_report() if report is None else report
    return render(report, fmt, color=color, verbose=verbose, rules=make_rules())


# --- every format ---------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("verbose", [False, True])
def test_no_secret_in_any_format(fmt: str, verbose: bool) -> None:
    text = out(fmt, verbose=verbose, color=True)
    for secret in SECRETS:
        assert secret not in text, f"{fmt} leaks {secret!r}"
    assert "ghp_" not in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_public_values_survive_redaction(fmt: str) -> None:
    text = out(fmt, verbose=True)
    for value in PUBLIC:
        assert value in text, f"{fmt} lost {value!r}"
    if fmt == "json":
        for value in ("eu-west-1", "git.corp.example/*", "/home/ana/go", "${env:SERVICE_TOKEN}"):
            assert value in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_empty_report_renders(fmt: str) -> None:
    text = out(fmt, report=empty_report())
    for secret in SECRETS:
        assert secret not in text
    if fmt in ("concise", "github"):
        assert text == ""


def test_unknown_format() -> None:
    with pytest.raises(ValueError, match="unknown output format 'xml'"):
        render(make_report(), "xml")


def test_render_does_not_mutate_report() -> None:
    report = make_report()
    render(report, "json")
    assert report == make_report()


def test_reporters_import_only_stdlib() -> None:
    code = (
        "import sys, ideaudit.redact, ideaudit.report\n"
        "import ideaudit.report.text, ideaudit.report.concise, ideaudit.report.json_format\n"
        "import ideaudit.report.github, ideaudit.report.sarif\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in"
        " ('pydantic', 'rich', 'typer', 'json5', 'psutil'))\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# --- text -----------------------------------------------------------------------------


def test_text_header_and_groups() -> None:
    text = out("text")
    lines = text.splitlines()
    assert lines[0] == f"ideaudit 0.1.0: {WS}"
    assert lines[1] == "Reference shell: bash -l -i (/bin/bash)"
    assert lines[2] == "IDE environment: running code (pid 4242)"
    groups = [ln for ln in lines if ln and ln[0] in "✓!✗•"]
    assert groups == [
        "✗ Workspace",
        "✗ VS Code debug 'Launch API'",
        "• VS Code tools (gopls, dlv)",
        "! GoLand run 'server'",
        "✓ GoLand tools",
    ]
    assert "  ✗ P001 go is not on the PATH of this context, but is in your shell" in lines
    assert "  ! M001 " + "GOPROXY is " in text
    assert "  • G003 GOPATH is set explicitly to /home/ana/go" in lines


def test_text_findings_under_their_context_errors_first() -> None:
    lines = out("text").splitlines()
    start = lines.index("✗ VS Code debug 'Launch API'")
    end = lines.index("• VS Code tools (gopls, dlv)")
    codes = [ln.split()[1] for ln in lines[start + 1 : end] if re.match(r"^  [✗!•] ", ln)]
    assert codes == ["P001", "M001", "X001"]


def test_text_details() -> None:
    text = out("text")
    assert "      where: .vscode/launch.json:12:9" in text
    # the values are named by their variable
    assert "      in this context: PATH=/usr/bin:/bin" in text
    assert "      in your shell: PATH=/usr/local/go/bin:/usr/bin:/bin" in text
    assert '      fix: Add "${env:PATH}" to the PATH in launch.json.' in text
    # a path outside the workspace stays absolute
    assert "      where: /home/ana/.bashrc:7" in text
    # unset in one place is said so
    assert "      in your shell: GITHUB_TOKEN is not set" in text


def test_text_summary_line() -> None:
    assert out("text").splitlines()[-1] == (
        "2 errors, 3 warnings, 1 info in 3 of 4 contexts and the workspace"
    )
    assert out("text", report=empty_report()).splitlines()[-1] == ("No problems found in 2 contexts.")


def test_text_summary_singular() -> None:
    r = make_report()
    one = Report(
        r.version, r.workspace, r.shell, r.ide_environment, r.contexts[:1], r.findings[1:2],
        r.summary,
    )  # fmt: skip
    assert out("text", report=one).splitlines()[-1] == "1 error, 0 warnings in 1 of 1 context"


def test_text_no_shell() -> None:
    assert "Reference shell: (none captured)" in out("text", report=empty_report())


def test_text_color() -> None:
    plain = out("text", color=False)
    colored = out("text", color=True)
    assert not ANSI.search(plain)
    assert "\x1b[31m" in colored  # red error
    assert "\x1b[33m" in colored  # yellow warning
    assert "\x1b[32m" in colored  # green ✓
    assert "\x1b[2m" in colored  # dim details
    assert ANSI.sub("", colored) == plain


def test_text_non_verbose_hides_chain_and_tools() -> None:
    text = out("text")
    assert "      set by: launch.json env (.vscode/launch.json:12:9)  (over 2 earlier layers)" in (text)
    assert "go.toolsEnvVars" not in text
    assert "(via " not in text
    assert "Explanation of" not in text
    # a clean context is one line
    lines = text.splitlines()
    i = lines.index("✓ GoLand tools")
    assert lines[i + 1] == ""


def test_text_verbose_shows_chain_tools_and_rules() -> None:
    text = out("text", verbose=True)
    assert (
        "      set by: login shell (bash -l -i) (/home/ana/.profile:3:1)"
        " -> go.toolsEnvVars (.vscode/settings.json:4:3)"
        " -> launch.json env (.vscode/launch.json:12:9)"
    ) in text
    assert "        3. launch.json env: /usr/bin:/bin" in text
    assert "    go: not found (searched: /usr/bin, /bin)" in text
    assert "    dlv: /home/ana/go/bin/dlv (via GOPATH/bin)" in text
    assert "    go: /usr/local/go/bin/go (via PATH)" in text  # also for clean contexts
    assert "  P001 go-not-found: title of P001" in text
    assert "      Explanation of P001." in text
    assert "Explanation of E001." in text
    assert "Explanation of S001." in text


# --- concise --------------------------------------------------------------------------


def test_concise_lines_parse_and_are_sorted() -> None:
    lines = out("concise").splitlines()
    assert len(lines) == len(make_report().findings)
    parsed = []
    for line in lines:
        m = CONCISE.match(line)
        if m is None:  # a finding with no file: no place at all
            assert re.match(r"(error|warning|info) [A-Z]\d{3} ", line), line
            continue
        parsed.append((m[1], int(m[2]), int(m[3])))
    assert parsed == sorted(parsed)
    assert f"{WS}/.vscode/launch.json:12:9: error P001 [VS Code debug 'Launch API'] go is not" in (
        "\n".join(lines)
    )
    # no location -> no made-up place (no `workspace:1:1`)
    assert any(line.startswith("info G003 [VS Code tools (gopls, dlv)] GOPATH is set") for line in lines)
    assert not any(":1:1: info G003" in line for line in lines)
    # line known, column not
    assert "/home/ana/.bashrc:7:1: warning S001 " in "\n".join(lines)


def test_concise_multiline_message_is_one_line() -> None:
    r = make_report()
    f = Finding("E003", Severity.ERROR, "shell timed out\nafter 10 s")
    report = Report(r.version, WS, None, "x", (), (f,), Summary(0, 1, 1, 0, 0))
    assert out("concise", report=report) == "error E003 shell timed out after 10 s\n"


# --- github ---------------------------------------------------------------------------


def test_github_commands() -> None:
    lines = out("github").splitlines()
    assert len(lines) == 6
    kinds = [ln.split(" ", 1)[0] for ln in lines]
    assert kinds == ["::error", "::error", "::warning", "::warning", "::warning", "::notice"]
    p001 = next(ln for ln in lines if "title=P001" in ln)
    assert p001.startswith("::error file=.vscode/launch.json,line=12,col=9,title=P001::")
    assert "%0AFix: Add" in p001
    notice = next(ln for ln in lines if ln.startswith("::notice"))
    assert notice.startswith("::notice title=G003::[VS Code tools (gopls, dlv)] GOPATH")
    s001 = next(ln for ln in lines if "title=S001" in ln)
    assert "file=/home/ana/.bashrc,line=7,title=S001" in s001


def test_github_escaping() -> None:
    f = Finding("E001", Severity.ERROR, "100% broken\nline two", location=Location(f"{WS}/a,b:c.json", 1, 2))
    report = Report("0", WS, None, "x", (), (f,), Summary(0, 1, 1, 0, 0))
    assert out("github", report=report) == (
        "::error file=a%2Cb%3Ac.json,line=1,col=2,title=E001::100%25 broken line two\n"
    )


# --- json -----------------------------------------------------------------------------


def test_json_is_the_whole_report() -> None:
    data = json.loads(out("json"))
    assert data == to_plain(scrub_report(make_report()))
    assert set(data) == {
        "version",
        "workspace",
        "shell",
        "ide_environment",
        "contexts",
        "findings",
        "home",
        "summary",
        "notes",
        "root",
        "repository",
        "static",
        "skipped_rules",
    }
    f = data["findings"][1]
    assert f["severity"] == "error"
    assert f["location"] == {
        "file": f"{WS}/.vscode/launch.json",
        "line": 12,
        "col": 9,
        "end_line": None,
        "end_col": None,
    }
    assert isinstance(f["provenance"], list)
    env = data["contexts"][0]["env"]
    assert env["GITHUB_TOKEN"]["value"] == "****"
    assert env["GITHUB_TOKEN"]["layers"][0]["raw"] == "****"
    assert env["SERVICE_TOKEN"]["layers"][0]["raw"] == "${env:SERVICE_TOKEN}"
    assert env["GOPROXY"]["value"] == "https://alice:****@proxy.corp.example,direct"
    assert env["AWS_REGION"]["value"] == "eu-west-1"
    assert env["MY_KEY_ID"]["value"] == "****"
    assert data["contexts"][0]["tools"][0] == {
        "tool": "go",
        "path": None,
        "via": "not found",
        "location": None,
        "searched": ["/usr/bin", "/bin"],
    }


# --- sarif ----------------------------------------------------------------------------


def test_sarif_structure() -> None:
    doc = json.loads(out("sarif"))
    assert doc["version"] == "2.1.0"
    assert doc["$schema"].endswith("sarif-2.1.0.json")
    (run,) = doc["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "ideaudit"
    assert driver["version"] == "0.1.0"
    rules = {r["id"]: r for r in driver["rules"]}
    assert set(rules) == set(make_rules())
    assert rules["P001"] == {
        "id": "P001",
        "name": "go-not-found",
        "shortDescription": {"text": "title of P001"},
        "fullDescription": {"text": "Explanation of P001.\nSecond line."},
        "help": {
            "text": "Fix for P001.",
            "markdown": "**P001 go-not-found**: title of P001\n\nExplanation of P001.\nSecond line.\n\n"
            "**Fix:** Fix for P001.",
        },
        "defaultConfiguration": {"level": "error"},
        "properties": {
            "contextKinds": ["shell", "terminal", "tools", "tests", "debug", "exec", "attach"],
            "needs": ["files"],
            "tags": ["P"],
        },
    }
    assert rules["G003"]["defaultConfiguration"]["level"] == "note"
    results = run["results"]
    assert len(results) == 6
    by_rule = {r["ruleId"]: r for r in results}
    assert {k: v["level"] for k, v in by_rule.items()} == {
        "E001": "error",
        "P001": "error",
        "M001": "warning",
        "X001": "warning",
        "S001": "warning",
        "G003": "note",
    }
    for r in results:
        assert driver["rules"][r["ruleIndex"]]["id"] == r["ruleId"]
        assert r["message"]["text"]
    (p001_loc,) = by_rule["P001"]["locations"]
    assert p001_loc["physicalLocation"] == {
        "artifactLocation": {"uri": ".vscode/launch.json", "uriBaseId": "SRCROOT"},
        "region": {"startLine": 12, "startColumn": 9},
    }
    assert run["originalUriBaseIds"]["SRCROOT"]["uri"] == f"file://{WS}/"
    s001 = by_rule["S001"]["locations"][0]["physicalLocation"]
    assert s001 == {
        "artifactLocation": {"uri": "file:///home/ana/.bashrc"},
        "region": {"startLine": 7},
    }
    # no file: the file that defines the context (GitHub shows no result without one)
    for r in results:
        assert r["locations"], r
    assert by_rule["M001"]["properties"]["context"] == "vscode:debug:Launch API"


def test_sarif_without_rules_mapping() -> None:
    doc = json.loads(render(make_report(), "sarif"))
    driver = doc["runs"][0]["tool"]["driver"]
    assert sorted(r["id"] for r in driver["rules"]) == sorted({f.code for f in make_report().findings})
    for r in doc["runs"][0]["results"]:
        assert driver["rules"][r["ruleIndex"]]["id"] == r["ruleId"]
