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
