"""Class 9 of issue 18, open-ended: a credential in a URL anywhere in any string is found and never printed.

Hypothesis writes a URL with a sensitive parameter (after "?", "&", "&amp;",
";" or "#", in any case) or a password, puts it anywhere in a string among
other text, and puts that string in any member of a task: the secret rules
report it, and no output shows more than its first four characters.
"""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seedance_lint.rules.secrets import TOKEN_PARAMETERS, candidates, is_placeholder, redact

SECRET = st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789", min_size=12, max_size=24).filter(
    lambda s: not is_placeholder(s)  # xxxxxxxx, YOUR_KEY: not reported, by design (SDL601 docs)
)
WORDS = st.text(alphabet="abc xyz,.!", max_size=20)
SEPARATORS = st.sampled_from(["?", "?a=1&", "?a=1&amp;", "?a=1;", "#", "/p;"])
NAMES = st.sampled_from(sorted(TOKEN_PARAMETERS - {"signature", "x-amz-security-token", "x-amz-credential"}))
MEMBERS = st.sampled_from(["positivePrompt", "webhookURL", "uploadEndpoint", "width", "taskUUID", "notes"])


@st.composite
def leaky_strings(draw: st.DrawFn) -> tuple[str, str]:
    secret = draw(SECRET)
    name = draw(NAMES)
    if draw(st.booleans()):
        url = f"https://hooks.example.com/cb{draw(SEPARATORS)}{name}={secret}"
    else:
        url = f"https://user:{secret}@hooks.example.com/cb"
    scheme_case = draw(st.sampled_from([str, str.upper]))
    url = scheme_case(url[:5]) + url[5:]
    return f"{draw(WORDS)} {url} {draw(WORDS)}".strip(), secret


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(leaky=leaky_strings(), member=MEMBERS)
def test_a_credential_anywhere_is_reported_and_masked(leaky: tuple[str, str], member: str, run_cli) -> None:
    value, secret = leaky
    assert candidates({member: value}), value  # the prefilter and the walk keep it
    assert secret[5:] not in redact(value)
    task = {"taskType": "videoInference", "model": "bytedance:2@2", member: value}
    result = run_cli(["check", "--format", "json", "-"], stdin=json.dumps(task))
    codes = {d["code"] for d in result.json()["diagnostics"]}
    assert codes & {"SDL602", "SDL603"}, (value, codes)
    for argv in (["check", "--format", "text", "-"], ["cost", "--format", "csv", "-"]):
        shown = run_cli(argv, stdin=json.dumps(task))
        assert secret[:5] not in shown.stdout + shown.stderr, (argv, value)
