"""Bodies of the forecast API: dated adjustments, and each service's forecast with its band
and backtest. Amounts are integer minor units of ``currency``."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from models.forecasts.adjustments import AdjustmentLine
from models.forecasts.backtest import Backtest
from models.forecasts.records import AdjustmentKind
from models.forecasts.services import ServiceForecast

_FROM_OBJECTS = ConfigDict(from_attributes=True)
_MINOR_LIMIT = 10**15  # far above any planned amount; keeps the BIGINT column safe


class AdjustmentIn(BaseModel):
    """Spend planned on a budget line in one fiscal period; negative lowers the forecast."""

    cost_center: str = Field(min_length=1, max_length=40)
    gl_account: str = Field(min_length=1, max_length=40)
    fiscal_year: int = Field(ge=2000, le=2100)
    period: int = Field(ge=1, le=12, description="The fiscal period (1..12).")
    amount_minor: int = Field(ge=-_MINOR_LIMIT, le=_MINOR_LIMIT)
    currency: str = Field(min_length=3, max_length=3, description="The base currency.")
    kind: AdjustmentKind = AdjustmentKind.OTHER
    note: str = Field(min_length=1, max_length=500)


class AdjustmentOut(BaseModel):
    model_config = _FROM_OBJECTS
    adjustment_id: int
    cost_center: str
    gl_account: str
    fiscal_year: int
    period: int
    amount_minor: int
    currency: str
    kind: AdjustmentKind
    note: str
    created_by: str

    @classmethod
    def of(cls, line: AdjustmentLine) -> AdjustmentOut:
        return cls.model_validate(line)


class BacktestOut(BaseModel):
    """MAPE (percent) of the model and of the naive run rate on the ``held_out`` last periods,
    each fitted on the periods before them; null when every held-out actual is zero."""

    model_config = _FROM_OBJECTS
    held_out: int
    method: str
    model_mape: float | None
    run_rate_mape: float | None


class ServiceForecastOut(BaseModel):
    service: str
    history_days: int
    history_minor: int
    last_day: date
    method: str
    method_reason: str
    forecast_days: int
    forecast_minor: int
    band_low_minor: int
    band_high_minor: int
    backtest: BacktestOut | None
    accuracy: str

    @classmethod
    def of(cls, line: ServiceForecast) -> ServiceForecastOut:
        f = line.forecast
        return cls(
            service=line.service,
            history_days=line.history_days,
            history_minor=line.history_minor,
            last_day=line.last_day,
            method=f.method,
            method_reason=f.reason,
            forecast_days=len(f.points_minor),
            forecast_minor=f.total_minor,
            band_low_minor=f.band_low_minor,
            band_high_minor=f.band_high_minor,
            backtest=backtest_out(line.backtest),
            accuracy=line.accuracy,
        )


class ServiceForecastsOut(BaseModel):
    currency: str
    band_percent: int
    services: list[ServiceForecastOut]


def backtest_out(result: Backtest | None) -> BacktestOut | None:
    return None if result is None else BacktestOut.model_validate(result)
