"""`--format auto`: the format read from a header alone; a header of another format refused."""

from __future__ import annotations

import pytest

from adapters.costs.open_file import open_cost_file
from domain.costs.aws_formats import AWS_CUR, LEGACY_RULES, cur2_name
from domain.costs.azure_formats import AZURE_EA
from domain.costs.detect import FORMATS, detect_format
from domain.costs.errors import CostFileError
from domain.costs.focus_formats import FOCUS_1_0, FOCUS_1_2
from domain.costs.normalise import Normaliser
from tests.builders.cost_files import (
    AWS_CUR_SAMPLE,
    AZURE_EA_OLDER_SAMPLE,
    AZURE_EA_SAMPLE,
    FOCUS_SAMPLES,
)


def _header(path: object) -> tuple[str, ...]:
    return open_cost_file(path).header  # type: ignore[arg-type]


def test_each_real_sample_is_detected_as_its_format() -> None:
    assert detect_format("cur.csv", _header(AWS_CUR_SAMPLE)).name == "aws-cur"
    assert detect_format("ea.csv", _header(AZURE_EA_SAMPLE)).name == "azure-ea"
    assert detect_format("ea.csv", _header(AZURE_EA_OLDER_SAMPLE)).name == "azure-ea"
    for path in FOCUS_SAMPLES:
        assert detect_format(path.name, _header(path)).name.startswith("focus-1.")


def test_the_focus_version_is_the_newest_whose_columns_the_header_uses() -> None:
    base = ["BilledCost", "ChargePeriodStart", "EffectiveCost"]
    assert detect_format("f.csv", base).name == "focus-1.0"
    assert detect_format("f.csv", [*base, "SkuMeter"]).name == "focus-1.1"
    assert detect_format("f.csv", [*base, "SkuMeter", "InvoiceId"]).name == "focus-1.2"


def test_a_cur_2_header_and_an_mca_header_are_told_from_their_relatives() -> None:
    cur2 = [cur2_name(rule.source) for rule in LEGACY_RULES.values() if hasattr(rule, "source")]
    assert detect_format("cur2.parquet", cur2).name == "aws-cur-2"
    mca = [name[0].lower() + name[1:] for name in _header(AZURE_EA_SAMPLE)]
    assert detect_format("mca.csv", [*mca, "paygCostInBillingCurrency"]).name == "azure-mca"


def test_a_header_of_no_known_format_is_refused() -> None:
    with pytest.raises(CostFileError, match=r"bank\.csv header: .*matches no known cost format"):
        detect_format("bank.csv", ["Date", "Amount", "Payee"])


def test_a_file_of_another_format_than_its_source_is_refused_on_its_header() -> None:
    with pytest.raises(CostFileError, match=r"header: the header is of Azure .* not of AWS"):
        Normaliser("ea.csv", AWS_CUR, _header(AZURE_EA_SAMPLE))
    with pytest.raises(CostFileError, match=r"header: the header is of AWS .* not of FOCUS 1\.2"):
        Normaliser("cur.csv", FOCUS_1_2, _header(AWS_CUR_SAMPLE))


def test_a_file_missing_a_required_column_names_it() -> None:
    header = [name for name in _header(AZURE_EA_SAMPLE) if name != "CostInBillingCurrency"]
    with pytest.raises(CostFileError) as refused:
        Normaliser("ea.csv", AZURE_EA, header)
    assert str(refused.value) == (
        "ea.csv header, column CostInBillingCurrency or Cost: missing from the header; "
        "Azure cost details, Enterprise Agreement reads BilledCost from it"
    )


def test_every_format_is_known_by_name() -> None:
    assert set(FORMATS) == {
        "aws-cur", "aws-cur-2", "azure-ea", "azure-mca", "focus-1.0", "focus-1.1", "focus-1.2"
    }  # fmt: skip
    assert FOCUS_1_0.rules["InvoiceId"].reads() == ("x_InvoiceId",)
    assert FOCUS_1_2.rules["InvoiceId"].reads() == ("InvoiceId",)
