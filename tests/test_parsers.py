"""The position-tracking parsers (seedance_lint.input.parsers.jsonpos and .yamlpos) and the loader's BOM handling.

Positions are 1-based (line, column) in code points. Each expected position
is written next to text laid out so that it can be checked by eye.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from seedance_lint.core.pointer import child_pointer
from seedance_lint.core.pointer import escape_token as escape_pointer_token
from seedance_lint.input.documents import Document, Problem, load_bytes
from seedance_lint.input.parsers import jsonpos, yamlpos
from seedance_lint.input.parsers.positions import LineIndex, Positions

# --- jsonpos: positions ------------------------------------------------------

JSON_TEXT = """{
  "taskType": "videoInference",
  "inputs": {"frameImages": [{"image": "x", "frame": 0}]},
  "a/b": 1, "m~n": 2,
  "caf\\u00e9": [10, [20, 30]],
  "emoji": "\U0001f600\U0001f600", "after": true
}"""

JSON_KEYS = {
    "/taskType": (2, 3),
    "/inputs": (3, 3),
    "/inputs/frameImages": (3, 14),
    "/inputs/frameImages/0/image": (3, 31),
    "/inputs/frameImages/0/frame": (3, 45),
    "/a~1b": (4, 3),
    "/m~0n": (4, 13),
    "/café": (5, 3),  # the key is \\u00e9 escaped in the text; the pointer holds the decoded name
    "/emoji": (6, 3),
    "/after": (6, 18),  # the two emoji before it are one column each
}
JSON_VALUES = {
    "": (1, 1),
    "/taskType": (2, 15),
    "/inputs": (3, 13),
    "/inputs/frameImages": (3, 29),
    "/inputs/frameImages/0": (3, 30),
    "/inputs/frameImages/0/image": (3, 40),
    "/inputs/frameImages/0/frame": (3, 54),
    "/a~1b": (4, 10),
    "/m~0n": (4, 20),
    "/café": (5, 16),
    "/café/0": (5, 17),
    "/café/1": (5, 21),
    "/café/1/1": (5, 26),
    "/emoji": (6, 12),
    "/after": (6, 27),
}


def test_json_values_parse() -> None:
    parsed = jsonpos.parse(JSON_TEXT)
    assert parsed.value["café"] == [10, [20, 30]]
    assert parsed.value["a/b"] == 1 and parsed.value["m~n"] == 2
    assert parsed.duplicates == []


@pytest.mark.parametrize("pointer", JSON_KEYS)
def test_json_key_positions(pointer: str) -> None:
    assert jsonpos.parse(JSON_TEXT).positions.keys[pointer] == JSON_KEYS[pointer]


@pytest.mark.parametrize("pointer", JSON_VALUES)
def test_json_value_positions(pointer: str) -> None:
    assert jsonpos.parse(JSON_TEXT).positions.values[pointer] == JSON_VALUES[pointer]


def test_json_positions_cover_every_member_exactly() -> None:
    positions = jsonpos.parse(JSON_TEXT).positions
    assert set(positions.keys) == set(JSON_KEYS)
    assert set(positions.values) == set(JSON_VALUES) | {"/café/1/0"}


def test_json_first_line_offsets_every_position() -> None:
    """A JSON Lines line is parsed alone but positioned at its line of the file."""
    parsed = jsonpos.parse('{"width": 864}', first_line=7)
    assert parsed.positions.keys["/width"] == (7, 2)
    assert parsed.positions.values["/width"] == (7, 11)


def test_json_crlf_line_endings() -> None:
    parsed = jsonpos.parse('{\r\n  "a": 1,\r\n  "b": 2\r\n}')
    assert parsed.positions.keys["/b"] == (3, 3)
    assert parsed.positions.values["/b"] == (3, 8)


# --- jsonpos: duplicates -----------------------------------------------------


def test_json_duplicate_key_positions() -> None:
    text = '{\n  "a": 1,\n  "b": {"c": 1, "c": 2},\n  "a": 3,\n  "a": 4\n}'
    parsed = jsonpos.parse(text)
    # (pointer, the repeated key, the occurrence before it)
    assert parsed.duplicates == [
        ("/b/c", (3, 17), (3, 9)),
        ("/a", (4, 3), (2, 3)),
        ("/a", (5, 3), (4, 3)),
    ]
    assert parsed.value == {"a": 4, "b": {"c": 2}}  # the last value wins, as in every JSON parser
    assert parsed.positions.keys["/a"] == (5, 3) and parsed.positions.values["/a"] == (5, 8)


def test_json_escaped_and_plain_spellings_of_one_key_are_duplicates() -> None:
    parsed = jsonpos.parse('{"width": 1, "w\\u0069dth": 2}')
    assert [d[0] for d in parsed.duplicates] == ["/width"]


def test_json_same_key_in_sibling_objects_is_not_a_duplicate() -> None:
    assert jsonpos.parse('[{"a": 1}, {"a": 2}]').duplicates == []


# --- jsonpos: errors ---------------------------------------------------------

JSON_ERRORS = [
    # (text, kind, line, column, message substring)
    ('{"a": 1,}', "syntax", 1, 8, "trailing comma"),
    ("[1, 2,\n]", "syntax", 1, 6, "trailing comma"),
    ('{"a" 1}', "syntax", 1, 6, "expected ':'"),
    ("{'a': 1}", "syntax", 1, 2, "double quotes"),
    ('{"a": 01}', "syntax", 1, 8, "expected ',' or '}'"),
    ('{"a": 1 // note\n}', "syntax", 1, 9, "found '/'"),
    ("[1, 2", "syntax", 1, 6, "found the end of the file"),
    ('{"a": tru}', "syntax", 1, 7, "expected a JSON value"),
    ('{"a": .5}', "syntax", 1, 7, "expected a JSON value"),
    ("[1,,2]", "syntax", 1, 4, "expected a JSON value"),
    ('"abc', "syntax", 1, 1, "unterminated string"),
    ('{"a": "\\x"}', "syntax", 1, 8, "invalid \\escape"),
    ('{"a":\n  "b\tc"}', "syntax", 2, 5, "invalid control character"),
    ('{"a": 1}}', "syntax", 1, 9, "unexpected data after"),
    ('{"a": 1}\n\n  x', "syntax", 3, 3, "unexpected data after"),
    ("", "empty", 1, 1, "found the end of the file"),
    ("  \n  ", "empty", 2, 3, "found the end of the file"),
    ("NaN", "non-finite", 1, 1, "NaN and Infinity"),
    ("[-Infinity]", "non-finite", 1, 2, "NaN and Infinity"),
    ('{"a": 1e999}', "non-finite", 1, 7, "too large"),
    ('{"a": -1e999}', "non-finite", 1, 7, "too large"),
    ("[" * (jsonpos.MAX_DEPTH + 1) + "]" * (jsonpos.MAX_DEPTH + 1), "too-deep", 1, jsonpos.MAX_DEPTH + 1, "deeper"),
    (
        '{"a":' * (jsonpos.MAX_DEPTH + 1) + "1" + "}" * (jsonpos.MAX_DEPTH + 1),
        "too-deep",
        1,
        5 * jsonpos.MAX_DEPTH + 1,
        "deeper",
    ),
]


@pytest.mark.parametrize(
    ("text", "kind", "line", "column", "message"), JSON_ERRORS, ids=[repr(c[0][:20]) for c in JSON_ERRORS]
)
def test_json_error_positions(text: str, kind: str, line: int, column: int, message: str) -> None:
    with pytest.raises(jsonpos.JsonSyntaxError) as caught:
        jsonpos.parse(text)
    assert (caught.value.kind, jsonpos.error_position(text, caught.value)) == (kind, (line, column))
    assert message in caught.value.message
    assert not caught.value.message.endswith(" at"), "json's trailing ' at' leaks into the message"


def test_json_depth_limit_itself_parses() -> None:
    depth = jsonpos.MAX_DEPTH
    value = jsonpos.parse("[" * depth + "]" * depth).value
    for _ in range(depth - 1):
        assert isinstance(value, list) and len(value) == 1
        value = value[0]
    assert value == []


def test_json_numbers() -> None:
    value = jsonpos.parse("[0, -0, 12, 1.5, 1E+2, -2e-2, 123456789012345678901234567890]").value
    assert value == [0, 0, 12, 1.5, 100.0, -0.02, 123456789012345678901234567890]
    assert isinstance(value[-1], int), "a big JSON integer stays an exact int"


# --- yamlpos -----------------------------------------------------------------

YAML_TEXT = """\
taskType: videoInference
inputs:
  frameImages:
    - image: x
      frame: 0
    - plain
flow: {a: 1, "b/c": [x, y]}
block: |
  line one
quoted: 'yes'
"""

YAML_KEYS = {
    "/taskType": (1, 1),
    "/inputs": (2, 1),
    "/inputs/frameImages": (3, 3),
    "/inputs/frameImages/0/image": (4, 7),
    "/inputs/frameImages/0/frame": (5, 7),
    "/flow": (7, 1),
    "/flow/a": (7, 8),
    "/flow/b~1c": (7, 14),
    "/block": (8, 1),
    "/quoted": (10, 1),
}
YAML_VALUES = {
    "": (1, 1),
    "/taskType": (1, 11),
    "/inputs": (3, 3),  # a block mapping starts at its first key
    "/inputs/frameImages": (4, 5),
    "/inputs/frameImages/0": (4, 7),
    "/inputs/frameImages/0/image": (4, 14),
    "/inputs/frameImages/0/frame": (5, 14),
    "/inputs/frameImages/1": (6, 7),
    "/flow": (7, 7),
    "/flow/a": (7, 11),
    "/flow/b~1c": (7, 21),
    "/flow/b~1c/1": (7, 25),
    "/block": (8, 8),
    "/quoted": (10, 9),
}


def _yaml(text: str) -> yamlpos.ParsedYaml:
    documents = yamlpos.parse_all(text)
    assert len(documents) == 1
    return documents[0]


def test_yaml_values_are_yaml_1_2() -> None:
    parsed = _yaml(YAML_TEXT)
    assert parsed.value["inputs"]["frameImages"] == [{"image": "x", "frame": 0}, "plain"]
    assert parsed.value["flow"] == {"a": 1, "b/c": ["x", "y"]}
    assert parsed.value["block"] == "line one\n"
    assert parsed.value["quoted"] == "yes"
    assert parsed.notes == []


@pytest.mark.parametrize("pointer", YAML_KEYS)
def test_yaml_key_positions(pointer: str) -> None:
    assert _yaml(YAML_TEXT).positions.keys[pointer] == YAML_KEYS[pointer]


@pytest.mark.parametrize("pointer", YAML_VALUES)
def test_yaml_value_positions(pointer: str) -> None:
    assert _yaml(YAML_TEXT).positions.values[pointer] == YAML_VALUES[pointer]


def test_yaml_multi_document_positions_count_from_the_file() -> None:
    documents = yamlpos.parse_all("a: 1\n---\nb: 2\n---\n- c\n")
    assert [d.value for d in documents] == [{"a": 1}, {"b": 2}, ["c"]]
    assert documents[1].positions.keys["/b"] == (3, 1)
    assert documents[2].positions.values["/0"] == (5, 3)


def test_yaml_empty_stream_has_no_documents() -> None:
    assert yamlpos.parse_all("# nothing\n") == []
    assert yamlpos.parse_all("") == []


def test_yaml_duplicate_keys() -> None:
    parsed = _yaml("a: 1\nb:\n  c: 1\n  c: 2\na: 3\n")
    notes = [(n.kind, n.pointer, n.position) for n in parsed.notes]
    assert notes == [("duplicate-key", "/b/c", (4, 3)), ("duplicate-key", "/a", (5, 1))]
    assert "also at line 3" in parsed.notes[0].message and "also at line 1" in parsed.notes[1].message
    assert parsed.value == {"a": 3, "b": {"c": 2}}
    assert parsed.positions.keys["/a"] == (5, 1) and parsed.positions.values["/a"] == (5, 4)


YAML_11_VALUES = [
    # (plain scalar, its YAML 1.2 value, message substring)
    ("yes", "yes", "the boolean true in YAML 1.1"),
    ("No", "No", "the boolean false in YAML 1.1"),
    ("on", "on", "the boolean true in YAML 1.1"),
    ("010", 10, "the number 8 in YAML 1.1"),
    ("1.10", 1.1, "losing its trailing zero"),
    ("1_000", "1_000", "the number 1000 in YAML 1.1"),
    ("0o10", 8, "the string '0o10' in YAML 1.1"),
]


@pytest.mark.parametrize(("scalar", "value", "message"), YAML_11_VALUES)
def test_yaml_1_1_values_are_noted(scalar: str, value: object, message: str) -> None:
    parsed = _yaml(f"x: 1\nfield: {scalar}\n")
    assert parsed.value["field"] == value
    assert [(n.kind, n.pointer, n.position) for n in parsed.notes] == [("yaml11", "/field", (2, 8))]
    assert message in parsed.notes[0].message


@pytest.mark.parametrize("scalar", ["true", "false", "null", "~", "10", "0x1F", "1.5", "'yes'", '"010"', "text"])
def test_yaml_values_that_read_the_same_have_no_note(scalar: str) -> None:
    assert _yaml(f"field: {scalar}\n").notes == []


def test_yaml_custom_tags_are_noted_and_never_constructed() -> None:
    parsed = _yaml("a: !!python/object/apply:os.system ['true']\nb: !local 5\nc: !!str 42\nd: !!float 1\n")
    assert [(n.kind, n.pointer, n.position) for n in parsed.notes] == [("tag", "/a", (1, 4)), ("tag", "/b", (2, 4))]
    assert parsed.value == {"a": ["true"], "b": "5", "c": "42", "d": 1.0}


def test_yaml_non_finite_numbers_are_noted() -> None:
    parsed = _yaml("a: .nan\nb: -.inf\n")
    assert [(n.kind, n.pointer, n.position) for n in parsed.notes] == [
        ("non-finite", "/a", (1, 4)),
        ("non-finite", "/b", (2, 4)),
    ]


def test_yaml_merge_keys_and_aliases() -> None:
    parsed = _yaml("base: &b {width: 864, height: 480}\ntask:\n  <<: *b\n  height: 416\n")
    assert parsed.value["task"] == {"width": 864, "height": 416}


YAML_ERRORS = [
    # (text, kind, line, column)
    ("a: [1, 2\n", "syntax", 2, 1),
    ("taskType: videoInference\n  bad: 1\n", "syntax", 2, 6),
    ("a: 'unterminated\n", "syntax", 2, 1),
    ("a: *missing\n", "syntax", 1, 4),
    ("[" * (yamlpos.MAX_DEPTH + 1) + "]" * (yamlpos.MAX_DEPTH + 1), "too-deep", 1, yamlpos.MAX_DEPTH + 1),
]


@pytest.mark.parametrize(("text", "kind", "line", "column"), YAML_ERRORS, ids=[repr(c[0][:20]) for c in YAML_ERRORS])
def test_yaml_error_positions(text: str, kind: str, line: int, column: int) -> None:
    with pytest.raises(yamlpos.YamlSyntaxError) as caught:
        yamlpos.parse_all(text)
    assert (caught.value.kind, caught.value.position) == (kind, (line, column))
    assert caught.value.message


def test_yaml_and_json_share_the_depth_limit() -> None:
    """The same nesting is refused (and accepted) at the same depth in both formats."""
    assert yamlpos.MAX_DEPTH == jsonpos.MAX_DEPTH
    depth = jsonpos.MAX_DEPTH
    nested = "[" * depth + "]" * depth
    assert yamlpos.parse_all(nested)[0].value == jsonpos.parse(nested).value


def test_yaml_alias_expansion_is_bounded() -> None:
    levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for index, name in enumerate("bcdef"):
        previous = "abcde"[index]
        levels.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 10) + "]")
    with pytest.raises(yamlpos.YamlSyntaxError) as caught:
        yamlpos.parse_all("\n".join(levels) + "\n")
    assert caught.value.kind == "too-large"


# --- the loader: byte order marks and line endings ---------------------------

TASK_JSON = '{"width": 864}'


@pytest.mark.parametrize(
    ("data", "form", "key"),
    [
        (b"\xef\xbb\xbf" + TASK_JSON.encode(), "json", (1, 2)),
        (b"\xef\xbb\xbf" + TASK_JSON.encode() + b"\n" + TASK_JSON.encode() + b"\n", "jsonl", (1, 2)),
        (b"\xef\xbb\xbfwidth: 864\n", "yaml", (1, 1)),
    ],
)
def test_bom_is_not_a_column(data: bytes, form: str, key: tuple[int, int]) -> None:
    documents = list(load_bytes(data, form))
    assert all(isinstance(d, Document) for d in documents), documents
    assert documents[0].value == {"width": 864}
    assert documents[0].positions().of_key("/width") == key


def test_bom_in_the_middle_is_not_skipped() -> None:
    loaded = list(load_bytes(b'{"a": 1}\xef\xbb\xbf', "json"))
    assert isinstance(loaded[0], Problem) and loaded[0].code == "SDL001"
    assert loaded[0].position == (1, 9)


def test_jsonl_lines_are_positioned_at_their_file_line() -> None:
    data = b'{"a": 1}\r\n\r\n{"b": [1,\n{"c": 2}\n'
    loaded = list(load_bytes(data, "jsonl"))
    assert isinstance(loaded[0], Document) and loaded[0].positions().of_key("/a") == (1, 2)
    assert isinstance(loaded[1], Problem) and loaded[1].position == (3, 10)
    assert isinstance(loaded[2], Document) and loaded[2].positions().of_key("/c") == (4, 2)


def test_jsonl_keeps_unicode_line_separators_inside_strings() -> None:
    loaded = list(load_bytes('{"p": "a\u2028b\x85c"}\n'.encode(), "jsonl"))
    assert len(loaded) == 1 and isinstance(loaded[0], Document)
    assert loaded[0].value == {"p": "a\u2028b\x85c"}


def test_fix_keeps_json_lines_line_boundaries(write_files, run_cli) -> None:
    """--fix edits the line a diagnostic names, even after a line whose string holds U+2028 (not a line end)."""
    line = (
        '{{"taskType": "videoInference", "taskUUID": "{}9d02567-ead8-47ef-94c7-d04dfdcc78b7", '
        '"model": "bytedance:2@2", "positivePrompt": "{}", "resolution": "480p"{}}}'
    )
    lines = [
        line.format(5, "a\u2028dancer", ""),
        line.format(6, "a dancer", ', "outputFormat": "MOV"'),
        line.format(7, "a dancer", ', "outputFormat": "webm"'),
    ]
    root = write_files({"b.jsonl": "\r\n".join(lines) + "\r\n"})
    result = run_cli(["check", "--fix", "b.jsonl"], cwd=root)
    assert result.exit == 0, result.stdout
    fixed = (root / "b.jsonl").read_bytes().decode("utf-8")
    assert fixed == "\r\n".join([*lines[:2], lines[2].replace('"webm"', '"WEBM"')]) + "\r\n"


@pytest.mark.parametrize(
    ("data", "position"),
    [
        (b'{"a": "\xff"}', (1, 8)),
        (b'{"a":\n "caf\xc3\xa9 \xc3"}', (2, 8)),
    ],
)
def test_invalid_utf8_position(data: bytes, position: tuple[int, int]) -> None:
    loaded = list(load_bytes(data, "json"))
    assert isinstance(loaded[0], Problem) and (loaded[0].code, loaded[0].position) == ("SDL007", position)


# --- positions helpers -------------------------------------------------------


def test_pointer_escaping_is_rfc_6901() -> None:
    assert escape_pointer_token("a/b~c") == "a~1b~0c"
    assert child_pointer("", "") == "/"
    assert child_pointer("/x", 0) == "/x/0"


def test_line_index() -> None:
    index = LineIndex("ab\ncd\n\nef", first_line=3)
    assert [index.position(o) for o in (0, 2, 3, 6, 7, 9)] == [(3, 1), (3, 3), (4, 1), (5, 1), (6, 1), (6, 3)]


def test_nearest_falls_back_to_the_closest_ancestor() -> None:
    positions = Positions(values={"": (1, 1), "/a": (2, 3)})
    assert positions.nearest("/a/b/c") == (2, 3)
    assert positions.nearest("/z") == (1, 1)
    assert positions.of_key("/a") == (2, 3)  # no key position: the value's


@pytest.mark.parametrize("form", ["json", "jsonl"])
@pytest.mark.parametrize("number", [2**64 + 1, -(2**63) - 1, 10**30, 2**64 - 1, 2**63])
def test_integers_beyond_64_bits_stay_exact(form: str, number: int) -> None:
    """The fast JSON path (orjson) would round these to floats; a seed must keep every digit."""
    loaded = list(load_bytes(b'{"seed": %d}\n' % number, form))
    assert isinstance(loaded[0], Document)
    assert loaded[0].value == {"seed": number} and isinstance(loaded[0].value["seed"], int)


# --- jsonpos against an independent implementation ---------------------------


def _json_like() -> st.SearchStrategy[object]:
    # Basic Multilingual Plane only: YAML has no escape for the surrogate pairs json.dumps writes above it.
    text = st.text(st.characters(max_codepoint=0xFFFF, exclude_categories=("Cs",)), max_size=8)
    scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | text
    return st.recursive(
        scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4), max_leaves=20
    )


@settings(max_examples=150, deadline=None, database=None)
@given(value=_json_like(), indent=st.sampled_from([None, 0, 2]))
def test_json_positions_agree_with_pyyaml_marks(value: object, indent: int | None) -> None:
    """JSON is YAML (flow style), so libyaml's marks are a second, independent opinion on every position."""
    text = json.dumps(value, indent=indent)  # ASCII only: YAML and JSON escapes then agree on every column
    json_positions = jsonpos.parse(text).positions
    yaml_positions = _yaml(text).positions
    assert json_positions.keys == yaml_positions.keys
    assert json_positions.values == yaml_positions.values


json_documents = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=25,
)


@settings(max_examples=600, deadline=None)
@example([{}, ""], None, False, 1)  # an empty object, then a string: not a key
@given(json_documents, st.sampled_from([None, 0, 2]), st.booleans(), st.integers(1, 5))
def test_valid_positions_equal_the_parsers(value, indent, ascii_only, first_line) -> None:
    """The token scan used for documents orjson read finds every position the position parser finds."""
    import json

    text = json.dumps(value, indent=indent, ensure_ascii=ascii_only)
    parsed = jsonpos.parse(text, first_line).positions
    assert jsonpos.valid_positions(text, first_line).resolved() == parsed


#: Few names, so that the same name sits at several depths and inside strings ('"w": 1' as a value).
_NAMES = st.sampled_from(["w", "h", "a/b", "~", "", 'q"w', "é", "\\", '"w": 1', '\\"w\\": 1'])
colliding_documents = st.recursive(
    st.none() | st.integers() | _NAMES,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_NAMES, inner, max_size=4),
    max_leaves=15,
)


@settings(max_examples=500, deadline=None)
# the nested "w" comes first: the root's is wanted
@example({"a": {"w": 1}, "w": 2}, None, False, "w", "as is", True, True)
@example({"s": '"w": 1', "w": 2}, None, False, "w", "as is", True, True)  # a string that looks like the member
@example([{"w": 1}], None, False, "w", "as is", True, True)  # a root array has no members
@example({"x": "a\\", "w": 1}, 2, True, "w", "as is", True, True)  # a string ending in a backslash
# '"w"' in the text, from an escaped quote of another name
@example({'x"w': 1, "w": 2}, None, False, "w", "as is", False, True)
@given(
    json_documents | colliding_documents,
    st.sampled_from([None, 2]),
    st.booleans(),
    st.text("ab/~0w", max_size=4),
    st.sampled_from(["as is", "compact", "spaced", "crlf", "escaped slashes"]),
    st.booleans(),
    st.booleans(),
)
def test_lazy_positions_answer_lookups_as_positions_do(
    value, indent, ascii_only, missing, spelling, with_root, fresh
) -> None:
    """of_key, of_value and nearest of the lazy positions (a search for root members, a scan of one member,
    or of the text; told the root's members or not; asked once or after other lookups; 0 is an offset,
    not a miss) equal those of the position parser, however the JSON is spaced or escaped."""
    import json

    separators = {"compact": (",", ":"), "spaced": (" ,  ", " \t: ")}.get(spelling)
    text = json.dumps(value, indent=indent, ensure_ascii=ascii_only, separators=separators)
    if spelling == "crlf":
        text = text.replace("\n", "\r\n")
    elif spelling == "escaped slashes":
        text = text.replace("/", "\\/")  # JSON may write / as \/: a name with it is escaped in the text
    expected = jsonpos.parse(text).positions
    root = json.loads(text) if with_root else None
    found = jsonpos.valid_positions(text, 1, root)
    pointers = set(expected.keys) | set(expected.values)
    for pointer in pointers | {p + "/" + missing for p in pointers} | {"/" + missing}:
        found = jsonpos.valid_positions(text, 1, root) if fresh else found
        assert found.of_key(pointer) == expected.of_key(pointer), pointer
        assert found.of_value(pointer) == expected.of_value(pointer), pointer
        assert found.nearest(pointer) == expected.nearest(pointer), pointer


def test_a_root_member_is_looked_up_in_linear_time(monkeypatch) -> None:
    """The name nested many times before the root's member: one depth check, then one scan (not one per match)."""
    calls = []
    monkeypatch.setattr(jsonpos, "_depth", lambda prefix, depth=jsonpos._depth: calls.append(1) or depth(prefix))
    text = '{"a": [' + ", ".join(['{"seed": 1}'] * 2000) + '], "seed": -5}'
    expected = jsonpos.parse(text).positions
    for pointer in ("/seed", "/missing", "/a/1999/seed"):
        calls.clear()
        assert jsonpos.valid_positions(text).of_key(pointer) == expected.of_key(pointer)
        assert len(calls) <= 1, pointer  # at most one depth check a lookup, whatever the text holds
