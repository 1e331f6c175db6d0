"""Redaction: the one place secrets are taken out of what ideaudit prints.

Environments hold tokens.  Every reporter goes through :func:`ideaudit.report.render`,
which calls :func:`scrub_report` first, so no output format can leak a value that this
module recognises (README, "Safety").

Three things are recognised:

- variables whose *name* looks secret (:func:`is_secret_name`): their value becomes
  ``****`` wherever it appears;
- values that *look* like credentials whatever their name (:func:`looks_like_secret_value`):
  GitHub/AWS/Slack tokens, private keys, JWTs;
- URLs with a password (``https://user:pass@host``): only the password is replaced, also
  inside longer strings such as a ``GOPROXY`` list.

The mask is a constant ``****``: it never reveals the length of what it hides.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping

from ideaudit._fast.record import replace
from ideaudit.model import ContextReport, Edit, EnvVar, Finding, Layer, Report

MASK = "****"

# Substrings that make a name secret.  ``PRIVATE_KEY``, not ``PRIVATE``: GOPRIVATE is not.
_SECRET_PARTS = (
    "TOKEN",
    "SECRET",
    "PASSWORD",
    "PASSWD",
    "PASSPHRASE",
    "CREDENTIAL",
    "PRIVATE_KEY",
    "PRIVATEKEY",
    "APIKEY",
    "API_KEY",
    "ACCESS_KEY",
    "AUTH_KEY",
    "CREDS",
)
_SECRET_PREFIXES = ("AWS_", "GITHUB_", "GH_", "GITLAB_", "NPM_TOKEN", "AZURE_CLIENT_SECRET")
_SECRET_SUFFIXES = (
    "_KEY",
    "_PASS",
    "_PWD",
    "_AUTH",
    "_CRED",  # *_CREDS is in _SECRET_PARTS
    "_B64",  # base64 blobs in CI variables are keys and keystores far more often than not
    "_BASE64",
    "_PAT",  # personal access tokens
    "_DSN",  # database DSNs carry a password
    "_COOKIE",
    "_SALT",
)

# Names that match a rule above but are known to be harmless.  Go's own variables are
# listed in full (``go help environment``) so that no future pattern can catch them.
_NOT_SECRET = frozenset(
    {
        # Go
        "GOROOT",
        "GOPATH",
        "GOBIN",
        "GOCACHE",
        "GOMODCACHE",
        "GOENV",
        "GOFLAGS",
        "GOPROXY",
        "GOPRIVATE",
        "GONOPROXY",
        "GONOSUMDB",
        "GONOSUMCHECK",
        "GOSUMDB",
        "GOINSECURE",
        "GOAUTH",
        "GOTOOLCHAIN",
        "GO111MODULE",
        "GOOS",
        "GOARCH",
        "GOWORK",
        "GOEXPERIMENT",
        "GODEBUG",
        "GOTELEMETRY",
        "GOTELEMETRYDIR",
        "GOVCS",
        "GOTMPDIR",
        "CGO_ENABLED",
        # AWS: configuration, not credentials
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_PROFILE",
        # GitHub Actions' default variables (docs.github.com "Variables reference"): none
        # is a credential, and the workspace path is in nearly every message of a CI run.
        "GITHUB_ACTION",
        "GITHUB_ACTION_PATH",
        "GITHUB_ACTION_REPOSITORY",
        "GITHUB_ACTIONS",
        "GITHUB_ACTOR",
        "GITHUB_ACTOR_ID",
        "GITHUB_API_URL",
        "GITHUB_BASE_REF",
        "GITHUB_ENV",
        "GITHUB_EVENT_NAME",
        "GITHUB_EVENT_PATH",
        "GITHUB_GRAPHQL_URL",
        "GITHUB_HEAD_REF",
        "GITHUB_JOB",
        "GITHUB_OUTPUT",
        "GITHUB_PATH",
        "GITHUB_REF",
        "GITHUB_REF_NAME",
        "GITHUB_REF_PROTECTED",
        "GITHUB_REF_TYPE",
        "GITHUB_REPOSITORY",
        "GITHUB_REPOSITORY_ID",
        "GITHUB_REPOSITORY_OWNER",
        "GITHUB_REPOSITORY_OWNER_ID",
        "GITHUB_RETENTION_DAYS",
        "GITHUB_RUN_ATTEMPT",
        "GITHUB_RUN_ID",
        "GITHUB_RUN_NUMBER",
        "GITHUB_SERVER_URL",
        "GITHUB_SHA",
        "GITHUB_STATE",
        "GITHUB_STEP_SUMMARY",
        "GITHUB_TRIGGERING_ACTOR",
        "GITHUB_WORKFLOW",
        "GITHUB_WORKFLOW_REF",
        "GITHUB_WORKFLOW_SHA",
        "GITHUB_WORKSPACE",
    }
)

# Credential-looking values, whatever the variable is called.
_TOKEN_RE = re.compile(
    r"""
      \bgh[pousr]_[A-Za-z0-9]{16,}                  # GitHub tokens (classic, OAuth, app, user)
    | \bgithub_pat_[A-Za-z0-9_]{16,}                # GitHub fine-grained PAT
    | \bgl(?:pat|ptt|dt|rt|oas|cbt|imt|agent)-[A-Za-z0-9_-]{16,}   # GitLab tokens
    | \bsk-(?:proj-|ant-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}     # OpenAI, Anthropic keys
    | \b[sr]k_(?:live|test)_[A-Za-z0-9]{16,}        # Stripe secret/restricted keys
    | \bnpm_[A-Za-z0-9]{30,}                       # npm tokens
    | \bpypi-[A-Za-z0-9_-]{40,}                    # PyPI API tokens
    | \bhf_[A-Za-z0-9]{30,}                        # Hugging Face tokens
    | \bAIza[0-9A-Za-z_-]{35}                      # Google API keys
    | \bxapp-[A-Za-z0-9-]{8,}                      # Slack app tokens
    | (?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])   # AWS access key id
    | \bxox[baprs]-[A-Za-z0-9-]{8,}                 # Slack
    | \beyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]*)?  # JWT
    | -----BEGIN\ [A-Z0-9 ]*PRIVATE\ KEY-----
      (?:.*?-----END\ [A-Z0-9 ]*PRIVATE\ KEY-----|.*)    # PEM private key, to its end
    """,
    re.VERBOSE | re.DOTALL,
)

# scheme://user:password@ -- the password may not contain '/', '@' or blanks (RFC 3986
# requires those percent-encoded), which keeps ``http://host:8080/a@b`` from matching.
_URL_CRED_RE = re.compile(r"(?P<head>\b[A-Za-z][A-Za-z0-9+.-]*://[^/\s:@]*:)(?P<pw>[^/\s@]+)@")

# A secret assigned inside a longer value: ``-ldflags=-X main.token=abc``,
# ``--password=abc``.  Only the assigned part is replaced (prose such as "a token: X"
# is not an assignment).
_ASSIGN_RE = re.compile(
    r"(?P<head>(?<![A-Za-z0-9])[\w.-]*?(?:token|secret|passw(?:or)?d|api_?key|access_?key|private_?key"
    r"|credentials?|creds|auth_?key)[\w-]*=)(?P<v>[^\s'\",;&]+)",
    re.IGNORECASE,
)

# A raw value made only of ``${...}`` references names where the value comes from; it
# carries no secret itself and is worth showing.
_ONLY_REFS_RE = re.compile(r"(?:\$\{[^}]*\})+")

# Known secret values shorter than this are not replaced inside free text: "1" or "true"
# would turn every message into asterisks, and are no secret worth the name.
_MIN_KNOWN_LEN = 4


def is_secret_name(name: str) -> bool:
    """Whether a variable called ``name`` should have its value hidden."""
    upper = name.upper()
    if upper in _NOT_SECRET:
        return False
    if any(part in upper for part in _SECRET_PARTS):
        return True
    return upper.startswith(_SECRET_PREFIXES) or upper.endswith(_SECRET_SUFFIXES)


def looks_like_secret_value(value: str) -> bool:
    """Whether ``value`` contains a credential: a known token shape, a URL password or a
    secret assigned inside it (``-X main.token=...``)."""
    return bool(_TOKEN_RE.search(value) or _URL_CRED_RE.search(value) or _assigned(value))


def _assigned(text: str) -> list[str]:
    """The values of secret-named assignments inside ``text`` (not already masked)."""
    return [m["v"] for m in _ASSIGN_RE.finditer(text) if MASK not in m["v"] and not m["v"].startswith("${")]


def _redact_urls(text: str) -> str:
    text = _URL_CRED_RE.sub(lambda m: f"{m['head']}{MASK}@", text)
    if _assigned(text):
        text = _ASSIGN_RE.sub(
            lambda m: m["head"] + (m["v"] if m["v"].startswith("${") or MASK in m["v"] else MASK), text
        )
    return text


def redact_text(text: str, known: Iterable[str] = ()) -> str:
    """Redact free text (a message, a fix): known secret values, token shapes, URL passwords.

    ``known`` should be sorted longest first so that a secret containing another is
    replaced whole.
    """
    for secret in known:
        if secret in text:
            text = text.replace(secret, MASK)
    text = _TOKEN_RE.sub(MASK, text)
    return _redact_urls(text)


def redact_value(name: str | None, value: str) -> str:
    """The printable form of variable ``name``'s ``value``.

    ``****`` when the name looks secret or the value contains a token; otherwise only the
    passwords of URLs inside it are replaced; otherwise the value unchanged.  An empty
    value stays empty: "set but empty" is useful and reveals nothing.
    """
    if not value:
        return value
    if (name is not None and is_secret_name(name)) or _TOKEN_RE.search(value):
        return MASK
    return _redact_urls(value)


def _redact_raw(name: str | None, raw: str, known: Iterable[str]) -> str:
    if _ONLY_REFS_RE.fullmatch(raw):
        return raw
    if name is not None and is_secret_name(name):
        return MASK if raw else raw
    return redact_text(raw, known)


# --- collecting what is secret in a report -------------------------------------------


def _secret_values(name: str | None, values: Iterable[str | None], flagged: bool = False) -> Iterable[str]:
    secret_name = flagged or (name is not None and is_secret_name(name))
    for value in values:
        if not value:
            continue
        if secret_name or _TOKEN_RE.search(value):
            yield value
        yield from _assigned(value)
        # URL passwords are not collected: free text is URL-redacted in place anyway, and
        # a short password ("test") would blank out every "go test" in the messages.


def _layer_values(layers: Iterable[Layer]) -> Iterable[str | None]:
    for layer in layers:
        yield layer.value
        if layer.raw is not None and not _ONLY_REFS_RE.fullmatch(layer.raw):
            yield layer.raw


def is_flagged(var: EnvVar) -> bool:
    """A variable one of whose layers must never be shown (see ``Layer.secret``)."""
    return any(layer.secret for layer in var.layers)


def env_secrets(envs: Iterable[Mapping[str, EnvVar]]) -> set[str]:
    """The secret values of whole environments: secret names, token shapes, flagged
    layers.  A copy of one under a neutral name is then recognised by its value."""
    found: set[str] = set()
    looked: set[str] = set()  # 200 contexts repeat the same values: shape-check each once
    for env in envs:
        for key, var in env.items():
            by_name = is_flagged(var) or _secret_name(key)
            for value in (var.value, *_layer_values(var.layers)):
                if not value:
                    continue
                if by_name:
                    found.add(value)
                if value not in looked:
                    looked.add(value)
                    if _TOKEN_RE.search(value):
                        found.add(value)
                    found.update(_assigned(value))
    return found


@functools.lru_cache(maxsize=4096)
def _secret_name(name: str) -> bool:
    return is_secret_name(name)


def longest_first(found: Iterable[str]) -> list[str]:
    return sorted({s for s in found if len(s) >= _MIN_KNOWN_LEN}, key=lambda s: (-len(s), s))


def known_secrets(report: Report, extra: Iterable[str] = ()) -> list[str]:
    """Every secret value the report carries, longest first (for substring replacement)."""
    found: set[str] = set(extra)
    found.update(env_secrets(ctx.env for ctx in report.contexts))
    for f in report.findings:
        values = [f.context_value, f.shell_value, *_layer_values(f.provenance)]
        found.update(_secret_values(f.variable, values, any(layer.secret for layer in f.provenance)))
    return longest_first(found)


# --- rebuilding the report -------------------------------------------------------------


# A report of 200 contexts repeats the same values (PATH, layer sources) thousands of
# times; each is redacted once per scrub (the memo is cleared at the end of it).
@functools.lru_cache(maxsize=16384)
def _text(text: str, known: tuple[str, ...]) -> str:
    return redact_text(text, known)


@functools.lru_cache(maxsize=16384)
def _value(name: str | None, value: str, known: tuple[str, ...]) -> str:
    return redact_text(redact_value(name, value), known)


def _opt_text(text: str | None, known: tuple[str, ...]) -> str | None:
    return None if text is None else _text(text, known)


def _opt_value(name: str | None, value: str | None, known: tuple[str, ...]) -> str | None:
    if value is None:
        return None
    return _value(name, value, known)


def _scrub_layer(name: str | None, layer: Layer, known: tuple[str, ...]) -> Layer:
    if layer.secret:
        return replace(
            layer,
            source=_text(layer.source, known),
            value=MASK if layer.value else layer.value,
            raw=MASK if layer.raw else layer.raw,
        )
    return replace(
        layer,
        source=_text(layer.source, known),
        value=_opt_value(name, layer.value, known),
        raw=None if layer.raw is None else _redact_raw(name, layer.raw, known),
    )


def _scrub_var(key: str, var: EnvVar, known: tuple[str, ...]) -> EnvVar:
    name = key if is_secret_name(key) else var.name  # they should agree; take the safer
    if is_flagged(var):
        return replace(
            var,
            value=MASK if var.value else var.value,
            layers=tuple(_scrub_layer(name, replace(layer, secret=True), known) for layer in var.layers),
        )
    return replace(
        var,
        value=_opt_value(name, var.value, known),
        layers=tuple(_scrub_layer(name, layer, known) for layer in var.layers),
    )


def _scrub_context(ctx: ContextReport, known: tuple[str, ...]) -> ContextReport:
    env: Mapping[str, EnvVar] = {k: _scrub_var(k, v, known) for k, v in ctx.env.items()}
    go_env = None
    if ctx.go_env is not None:
        go_env = {
            k: MASK if (k in env and is_flagged(ctx.env[k]) and v) else _value(k, v, known)
            for k, v in ctx.go_env.items()
        }
    return replace(ctx, label=redact_text(ctx.label, known), env=env, go_env=go_env)


def _scrub_edit(edit: Edit, known: tuple[str, ...]) -> Edit:
    return replace(edit, text=redact_text(edit.text, known))


def _prose(text: str) -> str:
    """A message or fix as one line: a line break in it (ours, or one a configuration
    name carried in) would start a new line of output, which a CI log reads as a
    workflow command of its own.  The other control characters are escaped later."""
    if "\n" not in text and "\r" not in text:
        return text
    return " ".join(part.strip() for part in text.splitlines() if part.strip())


def _scrub_finding(f: Finding, known: tuple[str, ...]) -> Finding:
    if any(layer.secret for layer in f.provenance):
        f = replace(f, context_value=MASK if f.context_value else f.context_value)
    return replace(
        f,
        message=_prose(redact_text(f.message, known)),
        context_label=_opt_text(f.context_label, known),
        fix=None if f.fix is None else _prose(_text(f.fix, known)),
        context_value=_opt_value(f.variable, f.context_value, known),
        shell_value=_opt_value(f.variable, f.shell_value, known),
        provenance=tuple(_scrub_layer(f.variable, layer, known) for layer in f.provenance),
        edits=tuple(_scrub_edit(e, known) for e in f.edits),
    )


def scrub_report(report: Report, extra: Iterable[str] = ()) -> Report:
    """A copy of ``report`` with every value that could carry a secret redacted.

    Values of secret-named variables and credential-looking values become ``****``; URL
    passwords become ``****`` in place; and every known secret value (those of the report,
    plus ``extra``: the secrets of the contexts' whole environments) is also replaced
    wherever free text (messages, fixes, layer sources, edit texts) quotes it.
    """
    from ideaudit.printable import sanitize

    known = tuple(known_secrets(report, extra))
    try:
        scrubbed = replace(
            report,
            ide_environment=redact_text(report.ide_environment, known),
            shell=_opt_text(report.shell, known),
            contexts=tuple(_scrub_context(c, known) for c in report.contexts),
            findings=tuple(_scrub_finding(f, known) for f in report.findings),
            notes=tuple(_scrub_finding(f, known) for f in report.notes),
        )
    finally:  # secrets must not linger in a process-wide cache
        _text.cache_clear()
        _value.cache_clear()
    # The one escaping layer: no control character from a file reaches any format.
    return sanitize(scrubbed)


# --- diffs -------------------------------------------------------------------------------

# A secret-named variable written in a file, as the three formats fixes edit write it:
# JSON/JSONC ("NAME": "value"), dotenv and shell (NAME=value), GoLand XML
# (<env name="NAME" value="..."/>, <entry key="NAME" value="..."/>).
_JSON_PAIR = re.compile(r'(?P<head>"(?P<name>[^"\\]+)"\s*:\s*")(?P<value>(?:[^"\\]|\\.)*)(?=")')
_DOTENV_PAIR = re.compile(r"(?P<head>^[ +\-]?\s*(?:export\s+)?(?P<name>[A-Za-z_][\w.]*)=)(?P<value>.*)$")
_XML_PAIR = re.compile(r'(?P<head>(?:name|key)="(?P<name>[^"]*)"\s+value=")(?P<value>[^"]*)(?=")')


def _mask_pairs(line: str) -> str:
    def mask(m: re.Match[str]) -> str:
        return m["head"] + MASK if m["value"] and is_secret_name(m["name"]) else m.group(0)

    for pattern in (_JSON_PAIR, _XML_PAIR, _DOTENV_PAIR):
        line = pattern.sub(mask, line)
    return line


def redact_diff(text: str, known: Iterable[str] = ()) -> str:
    """A unified diff as it may be printed: every line (context lines too, which quote
    the user's file around an edit) with secret-named values masked, known secret
    values and token shapes replaced, and control characters escaped."""
    from ideaudit.printable import printable

    known = sorted({k for k in known if len(k) >= _MIN_KNOWN_LEN}, key=lambda k: (-len(k), k))
    lines = [redact_text(_mask_pairs(line), known) for line in text.split("\n")]
    return printable("\n".join(lines), keep_newlines=True)
