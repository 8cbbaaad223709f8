"""Credentials in request files (SDL6xx): API keys, presigned URLs, tokens in URLs.

Request files end up in repositories and their diagnostics in public CI logs,
so these rules read the whole document (scope "document": ``ctx.task`` is the
document's root value, pointers are relative to it), not one task: the
``authentication`` task that starts a request body is not a task this linter
checks, but its apiKey leaks all the same, and a presigned URL leaks wherever
it sits (uploadEndpoint, webhookURL, an image input, a task for another model).

A credential is never printed: messages show its first four characters and
``***`` (:func:`mask`), and the engine passes every message of a document
through :func:`redact`, so a rule that echoes a value (an invalid-format
message quoting a signed image URL, say) cannot leak it either.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from functools import lru_cache
from urllib.parse import unquote

import orjson

from seedance_lint.core.diagnostic import Finding
from seedance_lint.core.pointer import child_pointer, dotted, tokens
from seedance_lint.rules.base import TaskContext, rule

#: Shorter values are not credentials of any real service ("test", the
#: doc's own "abc123"); a Runware API key is 32 characters.
MIN_SECRET_LENGTH = 8
#: How much of a secret a message may show.
VISIBLE_PREFIX = 4

API_KEY_MEMBERS = frozenset({"apikey", "api_key", "api-key"})
#: Query parameters that make a URL a presigned (signed) URL, and whose URL it is.
SIGNATURE_PARAMETERS = {
    "x-amz-signature": "an AWS S3 presigned URL",
    "x-goog-signature": "a Google Cloud Storage signed URL",
    "sig": "an Azure shared access signature (SAS) URL",
}
#: Query parameters that carry a credential in any URL.
TOKEN_PARAMETERS = frozenset(
    {
        "token",
        "access_token",
        "auth",
        "auth_token",
        "id_token",
        "refresh_token",
        "key",
        "api_key",
        "apikey",
        "api_token",
        "apitoken",
        "session_token",
        "api-key",
        "secret",
        "client_secret",
        "password",
        "passwd",
        "signature",
        "x-amz-security-token",
        "x-goog-credential",
        "x-amz-credential",
    }
)
_SENSITIVE_NAMES = TOKEN_PARAMETERS | set(SIGNATURE_PARAMETERS)
_SENSITIVE = "|".join(re.escape(name) for name in sorted(_SENSITIVE_NAMES))
#: A sensitive query parameter's value anywhere in a text (a message quoting a URL); ", " ends a message clause.
_QUERY_SECRET = re.compile(rf"(?i)([?&;#](?:{_SENSITIVE})=)((?:[^&#\s\"'<>\\`,]|,(?!\s))+)")
#: The password of a URL's user information: https://user:password@host/.
#: It starts where a scheme's run of characters starts, so a long run is not re-read from each of its characters.
_USERINFO_SECRET = re.compile(r"(?i)((?<![a-z0-9+.-])[a-z][a-z0-9+.-]*+://[^/?#\s@:\"'`]*:)([^/?#\s@\"'`]+)(@)")
#: Values that stand for a credential instead of being one.
_PLACEHOLDER = re.compile(
    r"""^(?:
        \$\{?[A-Za-z_][A-Za-z0-9_]*\}?      # ${RUNWARE_API_KEY}, $RUNWARE_API_KEY
      | %[A-Za-z_][A-Za-z0-9_]*%            # %RUNWARE_API_KEY% (Windows)
      | \{\{.*\}\}                          # {{ api_key }} (templates)
      | <[^<>]*>                            # <your key>
      | [A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+       # YOUR_API_KEY
      | (.)\1*                              # xxxxxxxx, ********
    )$""",
    re.VERBOSE,
)
_PLACEHOLDER_WORDS = re.compile(r"(?i)your|placeholder|example|changeme|change-me|redacted|dummy|xxx|\*\*\*|\.\.\.")


def mask(secret: str) -> str:
    """What a message may show of a secret: its first four characters, then ***."""
    return secret[:VISIBLE_PREFIX] + "***"


def is_placeholder(value: str) -> bool:
    """True for values that stand for a credential: env-var references, templates, YOUR_API_KEY."""
    text = value.strip()
    return len(text) < MIN_SECRET_LENGTH or bool(_PLACEHOLDER.match(text) or _PLACEHOLDER_WORDS.search(text))


def redact(text: str, known: Collection[str] = ()) -> str:
    """``text`` with every credential masked: sensitive URL parameters, URL passwords, and ``known`` values.

    ``known`` holds secrets found in the document (API keys); a message may
    quote one whole or cut short (``show`` truncates long values), so any run
    of more than its first VISIBLE_PREFIX characters is masked.
    """
    if "=" in text:  # each pattern needs its character: most messages skip both searches
        text = _QUERY_SECRET.sub(_masked_query, text)
    if "@" in text:
        text = _USERINFO_SECRET.sub(lambda m: m.group(1) + _masked(m.group(2)) + m.group(3), text)
    for secret in known:
        if len(secret) >= MIN_SECRET_LENGTH:
            text = _mask_prefixes(text, secret)
    return text


def masked_name(name: str) -> str:
    """A file's name as every command and format shows it: a credential in it masked (`hook?token=...json`).
    The one masking of names: `cost` and `cost diff` through cost.pipeline.shown_file, `check` through the
    check reporters' Stream, each once per file, and each calling it only for a name holding "=" or "@" (the
    characters redact looks for), so that the usual run does not load the rule registry for it."""
    return redact(name)


def secret_parts(value: str) -> list[str]:
    """What :func:`redact` must mask wherever ``value`` is quoted: the credentials of its URLs, or the whole value.

    Of a URL only the sensitive query values and the password are secret; the
    rest of it stays readable in other rules' messages.
    """
    urls = _urls(value)
    if not urls:
        return [value]
    parts = [v for url in urls for name, v in _query(url) if name.lower() in _SENSITIVE_NAMES]
    parts += [p for p in map(_password, urls) if p]
    return [p for p in parts if len(p) >= MIN_SECRET_LENGTH]


def _masked_query(found: re.Match[str]) -> str:
    """A sensitive parameter masked, unless it is written as a placeholder: "token=${WEBHOOK_TOKEN}" is none.

    Only the placeholder forms, not the words: a message may cut a real secret short with "...".
    """
    value = found.group(2)
    return found.group(0) if _PLACEHOLDER.match(unquote(value)) else found.group(1) + _masked(value)


def _masked(value: str) -> str:
    return value if value.endswith("***") and len(value) <= VISIBLE_PREFIX + 3 else mask(value)


def _mask_prefixes(text: str, secret: str) -> str:
    """Every run of more than VISIBLE_PREFIX of the secret's leading characters becomes its mask."""
    head = secret[: VISIBLE_PREFIX + 1]
    start = text.find(head)
    while start != -1:
        end = start + len(head)
        while end < len(text) and end - start < len(secret) and text[end] == secret[end - start]:
            end += 1
        text = text[:start] + mask(secret) + text[end:]
        start = text.find(head, start + VISIBLE_PREFIX + 3)
    return text


#: An api-key member in JSON, in any case (ASCII). The k may also be U+212A (UTF-8 e2 84 aa), the Kelvin sign,
#: which str.lower() (the rules') makes "k". The case is ignored inside the quotes only: a pattern that starts
#: with a plain byte is searched for that byte first, and the text is not lower-cased (a copy) beforehand.
_API_KEY_MEMBER = re.compile(rb'"(?i:api[_-]?(?:k|\xe2\x84\xaa)ey)":')
#: A URL followed, in the same JSON string, by a mark that may start a credential ("?", "@", "#", ";", "&").
#: Linear: a scan from one "://" stops at the next one (which then scans on), so no character of a string of
#: many URLs is read once for each URL before it; escapes are consumed whole, so an escaped quote never ends it.
#: A run of plain characters is taken whole (``++``): a character at a time, the search took twice as long.
_URL_WITH_QUERY_OR_USER = re.compile(rb'://(?:[^"?@#;&:\\]++|:(?!//)|\\.)*+[?@#;&]')
#: Characters without which a URL carries no credential: a query, a fragment, parameters, user information.
_URL_MARKS = "?@#;&"


def _suspect(text: bytes) -> bool:
    """A cheap superset test on a document's JSON text: an api-key member, or a URL with ? or @.

    Most documents have neither, and then no string is walked at all: the
    scan stays off the fast path (two regex searches at C speed; a plain
    substring test for "api" first is slower than the search itself).
    """
    return bool(_API_KEY_MEMBER.search(text) or _URL_WITH_QUERY_OR_USER.search(text))


def may_hold_secret(dumped: bytes) -> bool:
    """False only when no secret rule can flag anything in the values orjson dumped as ``dumped``.

    Also exact for the dump of a list of documents: a string never spans two
    of them, so the test is true of the list when it is true of any one.
    """
    return _suspect(dumped)


def candidates(document: object) -> list[tuple[str, str, str]]:
    """(pointer, member name, string) of every string a secret rule may flag."""
    try:
        text = orjson.dumps(document)
    except (TypeError, orjson.JSONEncodeError):  # integers past 64 bits, lone surrogates: walk to be sure
        return list(_suspects(document))
    return list(_suspects(document)) if may_hold_secret(text) else []


def _candidates_of(ctx: TaskContext) -> list[tuple[str, str, str]]:
    """candidates() of the context's document, computed once for the three rules (like its schema findings)."""
    cache = vars(ctx)
    if "_secret_candidates" not in cache:
        cache["_secret_candidates"] = candidates(ctx.task)
    return cache["_secret_candidates"]


def _suspects(document: object) -> Iterator[tuple[str, str, str]]:
    """The strings of a document that a secret rule may flag; pointers are built only for those."""
    stack: list[tuple[tuple[str | int, ...], object]] = [((), document)]
    while stack:
        path, node = stack.pop()
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, value in items:
            if isinstance(value, str):
                name = key if isinstance(key, str) else ""
                if _may_be_secret(name, value):
                    yield "".join(child_pointer("", token) for token in (*path, key)), name, value
            elif isinstance(value, (dict, list)):
                stack.append(((*path, key), value))
    if isinstance(document, str) and _may_be_secret("", document):
        yield "", "", document


def _may_be_secret(name: str, value: str) -> bool:
    if name.lower() in API_KEY_MEMBERS:
        return True
    start = value.find("://")  # a mark after the first "://": what the prefilter's search finds in the dump
    return start != -1 and any(value.find(mark, start) != -1 for mark in _URL_MARKS)


def strings(value: object) -> Iterator[tuple[str, str, str]]:
    """(pointer, member name, string) for every string value of a document, depth first.

    Iterative, so no document depth can exhaust the stack; the member name is
    "" for array items and the root.
    """
    stack: list[tuple[str, str, object]] = [("", "", value)]
    while stack:
        pointer, name, node = stack.pop()
        if isinstance(node, str):
            yield pointer, name, node
        elif isinstance(node, dict):
            stack.extend((child_pointer(pointer, k), str(k), v) for k, v in reversed(list(node.items())))
        elif isinstance(node, list):
            stack.extend((child_pointer(pointer, i), "", v) for i, v in reversed(list(enumerate(node))))


def where(pointer: str) -> str:
    """'/1/inputs/frameImages/0/image' -> '`inputs.frameImages[0].image`' (the array body's index dropped)."""
    parts = tokens(pointer)
    if parts and parts[0].isdigit():
        parts = parts[1:]
    return f"`{dotted(parts)}`" if parts else "this value"


#: A URL anywhere in a string: in a prompt, after other text, several in one value. The scheme is a literal,
#: so the search is linear (a run of letters before "://" is never re-read from each of its characters).
_URL = re.compile(r"(?i)https?://[^\s\"'<>`]+")
#: What separates query (and fragment) parameters: "&", ";" (old CGI), "&amp;" (HTML), "#access_token=" (OAuth).
_PARAMETER_SEPARATOR = re.compile(r"[?&;#]")
#: The user information of a URL: https://user:password@host/.
_USERINFO = re.compile(r"(?i)^https?://([^/?#@]*)@")


def _urls(value: str) -> list[str]:
    """Every http(s) URL in a string (none in most strings: the substring test is C speed)."""
    return _URL.findall(value) if "://" in value else []


@lru_cache(maxsize=256)  # the same webhook or bucket URL is often in every task of a batch
def _query(url: str) -> tuple[tuple[str, str], ...]:
    """The (name, raw value) parameters of a URL's query and fragment, in their source spelling.

    Raw, not percent-decoded: what is masked must be what a message or a
    diff quotes. Names are decoded and compared in lower case by the callers.
    """
    cut = min((i for i in map(url.find, "?#;") if i != -1), default=-1)  # ;token=: a path parameter
    if cut == -1:
        return ()
    pairs = (part.partition("=") for part in _PARAMETER_SEPARATOR.split(url[cut + 1 :]))
    return tuple((unquote(name), value) for name, eq, value in pairs if eq)


def _password(url: str) -> str | None:
    found = _USERINFO.match(url)
    if not found or ":" not in found.group(1):
        return None
    return found.group(1).partition(":")[2] or None


def _signature(value: str) -> tuple[str, str] | None:
    """(parameter, value) of the signature that makes a URL in ``value`` a presigned URL."""
    for url in _urls(value):
        for name, found in _query(url):
            if name.lower() in SIGNATURE_PARAMETERS and not is_placeholder(unquote(found)):
                return name, found
    return None


def _url_credential(value: str) -> tuple[str, str] | None:
    """(where, value) of a token in the query string or a password in the user information of a URL in ``value``."""
    for url in _urls(value):
        for name, found in _query(url):
            if name.lower() in TOKEN_PARAMETERS and not is_placeholder(unquote(found)):
                return f"query parameter {name}", found
        password = _password(url)
        if password and not is_placeholder(unquote(password)):
            return "password in the URL", password
    return None


@rule("SDL601", "api-key-in-file", "error", scope="document", prefilter=may_hold_secret)
def api_key_in_file(ctx: TaskContext) -> Iterator[Finding]:
    """A request file holds a real API key (the apiKey of an `authentication` task).

    Anyone who can read the file, its repository or a CI log that prints it
    can spend the account's credits. Keep the key in the environment or a
    secret store and write a placeholder in the file; placeholders are not
    reported: environment references ("${RUNWARE_API_KEY}", "$RUNWARE_API_KEY",
    "%RUNWARE_API_KEY%"), templates ("{{ api_key }}", "<your key>"), upper-case
    names ("YOUR_API_KEY"), repeated characters ("xxxxxxxx") and values shorter
    than 8 characters. The key itself is never printed: only its first four
    characters, then ***. Rotate a key that was ever committed.

    Failing: [{"taskType": "authentication", "apiKey": "Zq4Xw8Ve2Rt6Yu0Io3Pa7Sd1Fg5Hj9Kl"}]
    Passing: [{"taskType": "authentication", "apiKey": "${RUNWARE_API_KEY}"}]
    """
    for pointer, name, value in _candidates_of(ctx):
        if name.lower() in API_KEY_MEMBERS and not is_placeholder(value):
            yield Finding(
                pointer,
                f"{where(pointer)} holds what looks like a live API key ({mask(value)}): anyone who reads this "
                'file or a log of it can use your account. Write a placeholder such as "${RUNWARE_API_KEY}", '
                "load the key from the environment, and rotate this one.",
            )


@rule("SDL602", "presigned-url", "warning", scope="document", prefilter=may_hold_secret)
def presigned_url(ctx: TaskContext) -> Iterator[Finding]:
    """A presigned URL (X-Amz-Signature, X-Goog-Signature, or an Azure SAS sig=) is stored in the file.

    The doc suggests presigned URLs for uploadEndpoint; such a URL grants
    access to the bucket object until it expires, to anyone who reads the
    file. Generate it when the request is sent, and keep it out of files that
    are committed. Checked in every string of the document (uploadEndpoint,
    webhookURL, image inputs); signatures shorter than 8 characters, such as
    the doc's own "abc123", are taken for placeholders.

    Failing: {"uploadEndpoint": "https://bucket.s3.amazonaws.com/v.mp4?X-Amz-Expires=3600&X-Amz-Signature=c0ffee15deadbeef0123"}
    Passing: {"uploadEndpoint": "https://storage.example.com/uploads/v.mp4"}
    """
    for pointer, _name, value in _candidates_of(ctx):
        found = _signature(value)
        if found:
            kind = SIGNATURE_PARAMETERS[found[0].lower()]
            yield Finding(
                pointer,
                f"{where(pointer)} is {kind} ({found[0]}={mask(found[1])}): it grants access to the storage "
                "object to anyone who reads this file until it expires. Create it when the request is sent "
                "instead of storing it.",
            )


@rule("SDL603", "credential-in-url", "warning", scope="document", prefilter=may_hold_secret)
def credential_in_url(ctx: TaskContext) -> Iterator[Finding]:
    """A URL carries a credential: a token in its query string, or a password before its host.

    Webhook receivers are often protected by a token in the webhookURL's
    query string (token=, access_token=, key=, api_key=, ...); stored in a
    request file, that token is readable by everyone who can read the file.
    Pass it from the environment when the request is built. Every http(s)
    URL in every string is read, wherever it sits in the string (a prompt
    quoting one, a folded YAML scalar), and its parameters after "?", "#"
    (OAuth's #access_token=), ";" or the HTML "&amp;". Placeholders
    ("${WEBHOOK_TOKEN}", "<token>") and presigned URLs (SDL602) are not
    reported here.

    Failing: {"webhookURL": "https://hooks.example.com/runware?token=Hk3Pq9Zs7Lm2Xw5V"}
    Passing: {"webhookURL": "https://hooks.example.com/runware?token=${WEBHOOK_TOKEN}"}
    """
    for pointer, _name, value in _candidates_of(ctx):
        found = None if _signature(value) else _url_credential(value)
        if found:
            yield Finding(
                pointer,
                f"{where(pointer)} carries a credential ({found[0]}: {mask(found[1])}): anyone who reads this "
                "file or a log of it can call that endpoint as you. Insert it from the environment when the "
                "request is built.",
            )


RULES = (api_key_in_file, presigned_url, credential_in_url)
