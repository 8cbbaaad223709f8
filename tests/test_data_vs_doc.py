"""The data files hold what the API page says, row by row."""

from __future__ import annotations

from decimal import Decimal

import pytest

from seedance_lint.core.data import model_spec, request_schema
from seedance_lint.cost.table import price_table

import docpage
from conftest import skip_without_doc_page

PROPS = request_schema()["properties"]


@pytest.fixture(autouse=True)
def _the_page() -> None:
    """Every test here reads the API page: without it, they skip with the reason (and fail in CI)."""
    if docpage.DOC is None:
        skip_without_doc_page()


def test_page_has_36_price_rows() -> None:
    assert len(docpage.price_rows()) == 36


@pytest.mark.parametrize("row", docpage.price_rows(), ids=lambda r: f"{r[0]}-{r[1]}-{r[2]}s")
def test_every_price_row_is_in_the_table(row) -> None:
    ratio, resolution, duration, price = row
    matches = [
        r for r in price_table().rows if (r.aspectRatio, r.resolution, r.duration) == (ratio, resolution, duration)
    ]
    assert [m.price for m in matches] == [price]


def test_table_has_no_row_the_page_lacks() -> None:
    page = {(r, s, d) for r, s, d, _ in docpage.price_rows()}
    data = {(r.aspectRatio, r.resolution, r.duration) for r in price_table().rows}
    assert data == page


def test_headline_rates() -> None:
    assert price_table().headlineRates.perSecond == docpage.headline_rates()


def test_dimension_table_matches_page_row_by_row() -> None:
    data = [(s.resolution, s.aspect_ratio, s.width, s.height) for s in model_spec().sizes]
    assert data == docpage.dimension_rows()
    assert len(data) == 14


@pytest.mark.parametrize("name", ["outputType", "outputFormat", "deliveryMethod", "resolution"])
def test_enums_match_page(name: str) -> None:
    assert PROPS[name]["enum"] == docpage.allowed_values(name)


def test_safety_mode_enum() -> None:
    assert PROPS["safety"]["properties"]["mode"]["enum"] == docpage.allowed_values("mode")


@pytest.mark.parametrize("name", ["outputQuality", "numberResults", "duration", "ttl", "seed"])
def test_bounds_match_page(name: str) -> None:
    facts = docpage.parameter(name)
    schema = PROPS[name]
    if "Min" in facts:
        assert Decimal(str(schema["minimum"])) == Decimal(facts["Min"].strip("`"))
    if "Max" in facts:
        page_max = facts["Max"].strip("`")
        if name == "seed":  # the page prints 2^63 - 1 as JavaScript renders it
            assert float(schema["maximum"]) == float(page_max) and schema["maximum"] == 2**63 - 1
        else:
            assert Decimal(str(schema["maximum"])) == Decimal(page_max)


@pytest.mark.parametrize(
    "name",
    ["outputType", "outputFormat", "outputQuality", "deliveryMethod", "includeCost", "numberResults", "duration"],
)
def test_defaults_match_page(name: str) -> None:
    page = docpage.parameter(name)["Default"].strip("`")
    assert str(PROPS[name]["default"]).lower() == page.lower()


def test_prompt_length_and_required() -> None:
    facts = docpage.parameter("positivePrompt")
    assert PROPS["positivePrompt"]["minLength"] == int(facts["Min"].strip("`"))
    assert PROPS["positivePrompt"]["maxLength"] == int(facts["Max"].strip("`"))
    required = [n for n in PROPS if docpage.has_parameter(n) and docpage.parameter(n).get("Required") == "true"]
    assert sorted(required) == sorted(request_schema()["required"])


def test_consts_match_page() -> None:
    assert PROPS["taskType"]["const"] == docpage.parameter("taskType")["Value"].strip("`")
    assert PROPS["model"]["const"] == docpage.parameter("model")["Value"].strip("`")


def test_billing_observations_are_the_page_examples() -> None:
    page = [
        (q["width"], q["height"], Decimal(str(q["duration"])), Decimal(str(r["cost"]))) for q, r in docpage.examples()
    ]
    data = [(o.width, o.height, o.duration, o.billed) for o in price_table().billingObservations]
    assert data == page


def test_undocumented_sizes_are_not_on_the_page_but_their_prices_are() -> None:
    """The 720p sizes come from outside the page (x-seedance.undocumentedDimensions names the source): none is
    in the page's dimension table, and the page prices each of their cells (9:21 through its derivation)."""
    spec, table = model_spec(), price_table()
    page_sizes = {(w, h) for _, _, w, h in docpage.dimension_rows()}
    page_cells = {(res, ratio) for ratio, res, _, _ in docpage.price_rows()}
    derived = {d.aspectRatio: d.from_ for d in table.derivedAspectRatios}
    assert spec.undocumented_sizes and spec.undocumented_sizes_source
    for size in spec.undocumented_sizes:
        assert not size.documented and (size.width, size.height) not in page_sizes
        assert (size.resolution, derived.get(size.aspect_ratio, size.aspect_ratio)) in page_cells
    assert {s.resolution for s in spec.undocumented_sizes} == {res for _, res, _, _ in docpage.price_rows()} - {
        s.resolution for s in spec.sizes
    }


def test_every_page_price_is_tokens_at_the_table_rate() -> None:
    """The frame rule's token formula (pricing/ billedFrames) ties every price on the page, 720p included, to
    width x height x duration at one rate, within 0.3% (the 480p rows, with three significant digits, are
    the loosest: 16:9 10 s is 0.27% below)."""
    from seedance_lint.cost.model import token_rate

    table, spec = price_table(), model_spec()
    rule = table.estimateMargin.billedFrames
    sizes = {(s.resolution, s.aspect_ratio): s for s in spec.known_sizes}
    rate = token_rate(table)
    for ratio, resolution, duration, price in docpage.price_rows():
        size = sizes[(resolution, ratio)]
        tokens = Decimal(size.width * size.height * rule.framesPerSecond) * duration / rule.pixelsPerToken
        assert abs(tokens * rate - price) <= price * Decimal("0.003"), (ratio, resolution, duration)
