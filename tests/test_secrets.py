"""Redaction: names, values, URLs, and the scrubbed copy of a whole report."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ideaudit.model import EnvVar, Finding, Layer, Report, Severity, Summary
from ideaudit.redact import (
    MASK,
    KnownSecrets,
    is_secret_name,
    looks_like_secret_value,
    redact_text,
    redact_value,
    scrub_report,
)
from ideaudit.report.json_format import to_plain
from tests.test_reporters import (
    AWS_KEY_ID,
    AWS_SECRET,
    GH_TOKEN,
    NPM_SECRET,
    PROXY_CTX,
    RAW_SECRET,
    SECRETS,
    make_report,
)

SECRET_NAMES = [
    "GITHUB_TOKEN",
    "github_token",
    "NODE_AUTH_TOKEN",
    "CI_JOB_TOKEN",
    "DB_PASSWORD",
    "MYSQL_PASSWD",
    "GPG_PASSPHRASE",
    "GOOGLE_APPLICATION_CREDENTIALS",
    "SSH_PRIVATE_KEY",
    "OPENAI_API_KEY",
    "DATADOG_APIKEY",
    "STRIPE_KEY",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_ACCESS_KEY_ID",
    "AWS_SESSION_TOKEN",
    "GH_ENTERPRISE_HOST",
    "GITLAB_URL",
    "NPM_TOKEN",
    "AZURE_CLIENT_SECRET",
    "client_secret",
    "SMTP_PASS",
]
HARMLESS_NAMES = [
    "GOPRIVATE",
    "goprivate",
    "GONOSUMDB",
    "GONOPROXY",
    "GOFLAGS",
    "GOPATH",
    "GOROOT",
    "GOPROXY",
    "GOSUMDB",
    "GOINSECURE",
    "GOAUTH",
    "GOTOOLCHAIN",
    "GO111MODULE",
    "CGO_ENABLED",
    "PATH",
    "HOME",
    "PWD",
    "OLDPWD",
    "SSH_AUTH_SOCK",
    "KEYBOARD_LAYOUT",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_PROFILE",
    "GITHUB_WORKSPACE",
    "GITHUB_SHA",
    "PRIVATE_DIR",
]


@pytest.mark.parametrize("name", SECRET_NAMES)
def test_secret_names(name: str) -> None:
    assert is_secret_name(name)


@pytest.mark.parametrize("name", HARMLESS_NAMES)
def test_harmless_names(name: str) -> None:
    assert not is_secret_name(name)


SECRET_VALUES = [
    GH_TOKEN,
    "gho_" + "x" * 36,
    "ghs_" + "Y1" * 18,
    "ghu_" + "z9" * 18,
    "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz",
    AWS_KEY_ID,
    "ASIAY34FZKBOKMUTVV7A",
    "xoxb-1234567890-abcdefghij",
    "xoxp-1234-5678-abcdefgh",
    "-----BEGIN RSA PRIVATE KEY-----\nMIIEow...\n-----END RSA PRIVATE KEY-----",
    "-----BEGIN OPENSSH PRIVATE KEY-----",
    "-----BEGIN PRIVATE KEY-----",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl",
    "https://user:pass@example.com/x",
    "https://:tok@example.com",
    "socks5://u:p@127.0.0.1:1080",
    PROXY_CTX,
    "export TOKEN=ghp_0123456789abcdefghij0123",
]
PLAIN_VALUES = [
    "",
    "/usr/local/go/bin:/usr/bin",
    "https://proxy.golang.org,direct",
    "http://proxy.corp:8080/path@v1",
    "ssh://git@github.com/org/repo",
    "git.corp.example/*",
    "sum.golang.org",
    "AKIA",  # too short for an access key id
    "ghp_short",
    "-----BEGIN PUBLIC KEY-----",
    "eyJhbGciOiJIUzI1NiJ9",  # a JWT header alone is not a token
    "on",
]


@pytest.mark.parametrize("value", SECRET_VALUES)
def test_secret_values(value: str) -> None:
    assert looks_like_secret_value(value)


@pytest.mark.parametrize("value", PLAIN_VALUES)
def test_plain_values(value: str) -> None:
    assert not looks_like_secret_value(value)
    assert redact_value("SOME_VAR", value) == value


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("GITHUB_TOKEN", "anything", MASK),
        ("GITHUB_TOKEN", "x" * 200, MASK),  # the mask never reveals the length
        ("GITHUB_TOKEN", "", ""),
        ("MY_VAR", GH_TOKEN, MASK),
        (None, GH_TOKEN, MASK),
        ("GOPROXY", PROXY_CTX, "https://alice:****@proxy.corp.example,direct"),
        (
            "GOPROXY",
            "https://a:1@p1.example|https://b:2@p2.example,off",
            "https://a:****@p1.example|https://b:****@p2.example,off",
        ),
        ("GONOSUMDB", "git.corp.example", "git.corp.example"),
        ("GOPRIVATE", "*.corp.example", "*.corp.example"),
        ("AWS_REGION", "eu-west-1", "eu-west-1"),
        ("AWS_SECRET_ACCESS_KEY", AWS_SECRET, MASK),
        ("HTTPS_PROXY", "http://bob:hunter2@squid:3128", "http://bob:****@squid:3128"),
    ],
)
def test_redact_value(name: str | None, value: str, expected: str) -> None:
    assert redact_value(name, value) == expected


def test_redact_text() -> None:
    text = f"token {GH_TOKEN} and url https://u:pw@h/x and plain {NPM_SECRET}."
    assert redact_text(text, [NPM_SECRET]) == ("token **** and url https://u:****@h/x and plain ****.")
    pem = "key: -----BEGIN EC PRIVATE KEY-----\nabc\n-----END EC PRIVATE KEY----- done"
    assert redact_text(pem) == "key: **** done"


# --- scrub_report -----------------------------------------------------------------------


def _all_strings(obj: object) -> str:
    return repr(to_plain(obj))


def test_scrub_removes_every_secret() -> None:
    dump = _all_strings(scrub_report(make_report()))
    for secret in SECRETS:
        assert secret not in dump


def test_scrub_keeps_the_rest() -> None:
    report = make_report()
    scrubbed = scrub_report(report)
    assert scrubbed is not report
    assert report == make_report()  # the original is untouched
    ctx = scrubbed.contexts[0]
    assert ctx.env["GOPATH"] == report.contexts[0].env["GOPATH"]
    assert ctx.env["PATH"] == report.contexts[0].env["PATH"]
    assert ctx.env["AWS_REGION"].value == "eu-west-1"
    assert ctx.env["AWS_SECRET_ACCESS_KEY"].value == MASK
    assert ctx.env["AWS_SECRET_ACCESS_KEY"].layers[0].value == MASK
    assert ctx.env["NPM_TOKEN"].layers[0].raw == MASK
    assert ctx.env["SERVICE_TOKEN"].layers[0].raw == "${env:SERVICE_TOKEN}"
    assert ctx.env["SERVICE_TOKEN"].value == ""
    assert ctx.env["MY_KEY_ID"].value == MASK
    assert ctx.env["GOPROXY"].value == "https://alice:****@proxy.corp.example,direct"
    assert scrubbed.contexts[1:] == report.contexts[1:]
    assert ctx.tools == report.contexts[0].tools
    x001 = scrubbed.findings[3]
    assert x001.message == "launch.json holds a token: GITHUB_TOKEN=****; also NPM ****"
    assert x001.fix == "Move GITHUB_TOKEN=**** to an ignored envFile."
    assert x001.context_value == MASK
    assert x001.provenance[0].raw == MASK
    assert x001.edits[0].text == "# ****"
    assert x001.code == "X001"
    assert x001.location == report.findings[3].location
    p001 = scrubbed.findings[1]
    assert p001 == report.findings[1]  # nothing secret in it
    assert scrubbed.summary == report.summary


def test_scrub_is_idempotent() -> None:
    once = scrub_report(make_report())
    assert scrub_report(once) == once


def test_known_secret_quoted_anywhere() -> None:
    """A value that only its name makes secret is replaced wherever free text quotes it."""
    env = {"DEPLOY_PASSWORD": EnvVar("DEPLOY_PASSWORD", "correct-horse", ())}
    f = Finding(
        "X001",
        Severity.WARNING,
        "DEPLOY_PASSWORD=correct-horse is in launch.json",
        fix="remove correct-horse",
        variable="PATH",
        provenance=(Layer("from correct-horse file", "/bin", raw="correct-horse:${env:X}"),),
    )
    base = make_report()
    ctx = dataclasses.replace(base.contexts[3], env=env)
    report = Report("0", "/w", "bash (correct-horse)", "ide", (ctx,), (f,), Summary(1, 1, 0, 1, 0))
    dump = _all_strings(scrub_report(report))
    assert "correct-horse" not in dump
    assert "DEPLOY_PASSWORD=****" in dump


def test_short_known_values_not_replaced_in_text() -> None:
    """A secret-named variable with a trivial value must not blank out every message."""
    env = {"GH_DEBUG": EnvVar("GH_DEBUG", "1", ())}
    f = Finding("G003", Severity.INFO, "GOPATH has 1 entry")
    base = make_report()
    ctx = dataclasses.replace(base.contexts[3], env=env)
    report = Report("0", "/w", None, "ide", (ctx,), (f,), Summary(1, 1, 0, 0, 1))
    scrubbed = scrub_report(report)
    assert scrubbed.findings[0].message == "GOPATH has 1 entry"
    assert scrubbed.contexts[0].env["GH_DEBUG"].value == MASK


def test_secret_token_in_non_secret_variable_layers() -> None:
    report = make_report()
    assert AWS_KEY_ID in _all_strings(report)
    assert AWS_KEY_ID not in _all_strings(scrub_report(report))
    assert RAW_SECRET not in _all_strings(scrub_report(report))


def test_url_password_redacted_in_place_only() -> None:
    """A URL password is hidden inside its URL, not wherever the same word appears."""
    proxy = "https://ci:test@proxy.corp.example"
    f = Finding(
        "M001",
        Severity.WARNING,
        f"GOPROXY={proxy} breaks go test",
        variable="GOPROXY",
        context_value=proxy,
    )
    report = Report("0", "/w", None, "ide", (), (f,), Summary(0, 1, 0, 1, 0))
    scrubbed = scrub_report(report).findings[0]
    assert scrubbed.message == "GOPROXY=https://ci:****@proxy.corp.example breaks go test"
    assert scrubbed.context_value == "https://ci:****@proxy.corp.example"


@pytest.mark.parametrize(
    ("name", "value", "reported"),
    [
        ("DB_PASSWORD", "hunter2-plain", True),
        ("API_TOKEN", "abc123def456", True),
        # a public launch.json (ory/kratos) switches a password check on: no credential
        ("SELFSERVICE_METHODS_PASSWORD_CONFIG_HAVEIBEENPWNED_ENABLED", "true", False),
        ("DB_PASSWORD", "0", False),
        ("DB_PASSWORD", "$DB_PASSWORD", False),
        ("DB_PASSWORD", "${env:DB_PASSWORD}", False),
        # a token shape counts under any name
        ("LABEL", "ghp_" + "a" * 36, True),
    ],
)
def test_x001_needs_a_value_that_could_be_a_credential(name: str, value: str, reported: bool) -> None:
    from ideaudit.rules.x_secrets import _literal_secret

    assert _literal_secret(name, value) is reported


# --- the index of known values: the same text as trying every value ---------------------

_ALPHABET = "ab*_-/ é"


@settings(max_examples=300, derandomize=True, deadline=None)
@given(
    values=st.lists(st.text(alphabet=_ALPHABET, min_size=1, max_size=9), min_size=33, max_size=60),
    text=st.text(alphabet=_ALPHABET, max_size=80),
)
def test_known_secrets_index_replaces_as_every_value_would(values: list[str], text: str) -> None:
    """More values than the index's threshold, on a small alphabet so that they overlap,
    contain one another, contain ``*`` (which the mask itself can create) and are shorter
    than the index's key: the result is what replacing by each value in order gives."""
    ordered = sorted(set(values), key=lambda s: (-len(s), s))
    assert redact_text(text, KnownSecrets(ordered)) == redact_text(text, tuple(ordered))


def test_known_secrets_finds_each_of_thousands() -> None:
    """3,000 tokens sharing a long prefix: each text masks exactly the one it quotes."""
    tokens = [f"tok-{i:036d}" for i in range(3000)]
    known = KnownSecrets(sorted(tokens, key=lambda s: (-len(s), s)))
    for i in (0, 1, 1234, 2999):
        text = f"env sets SERVICE_{i}={tokens[i]} (and {tokens[i]} again); not tok-{i:035d}"
        assert redact_text(text, known) == f"env sets SERVICE_{i}={MASK} (and {MASK} again); not tok-{i:035d}"
