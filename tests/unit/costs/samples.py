"""The real cost samples under tests/data/costs/, read and normalised as a load reads them."""

from __future__ import annotations

from pathlib import Path

from adapters.costs.open_file import open_cost_file
from domain.costs.cost_row import CostRow
from domain.costs.detect import detect_format
from domain.costs.mapping import FormatMapping
from domain.costs.normalise import Normaliser

DATA = Path(__file__).resolve().parents[2] / "data" / "costs"
AWS_CUR_SAMPLE = DATA / "aws-cur" / "sample-anonymous-aws-export-dataset.csv"
AZURE_EA_SAMPLE = DATA / "azure" / "azure-ea-cost-export-sample-anonymous.csv"
# An older EA schema: `Cost`, `BillingCurrency`, `Product`, `09/21/2023`, a byte-order mark.
AZURE_EA_OLDER_SAMPLE = DATA / "azure-finops-toolkit" / "EA_ActualCost_Small.csv"
# The spec's purchase scenarios 2 and 3 write an hour 30 (`2023-02-01T30:00:00Z`): real bad
# values, refused with their row and column, so they are kept out of the samples that load.
BAD_DATE_SAMPLES = {
    DATA / "focus-spec-examples" / "commitment_discount_purchase_scenario_2.csv": 3,
    DATA / "focus-spec-examples" / "commitment_discount_purchase_scenario_3.csv": 4,
}
FOCUS_SAMPLES = sorted(set((DATA / "focus-spec-examples").glob("*.csv")) - set(BAD_DATE_SAMPLES))
ALL_SAMPLES = [AWS_CUR_SAMPLE, AZURE_EA_SAMPLE, AZURE_EA_OLDER_SAMPLE, *FOCUS_SAMPLES]


def normalised(path: Path, mapping: FormatMapping | None = None) -> list[CostRow]:
    """Every row of the file, normalised by `mapping` or by the format its header shows."""
    reader = open_cost_file(path)
    chosen = mapping or detect_format(reader.file, reader.header)
    normaliser = Normaliser(reader.file, chosen, reader.header)
    return [normaliser.normalise(row.row_number, row.values) for row in reader.rows()]
