"""Each cloud service's daily spend forecast from the loaded cost data (the daily roll-ups'
amortised EffectiveCost in the base currency), with its backtest on the last week."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.forecast_method import DAYS_PER_SEASON, daily_series
from domain.money import minor_digits
from models import CostDaily, CostSource
from models.costs.source_config import UnknownSource
from models.forecasts.backtest import Backtest, backtest, describe
from models.forecasts.series import SeriesForecast, forecast_series, to_minor

HISTORY_DAYS = 90  # the last quarter of daily data: a trend, several weeks of seasonality


@dataclass(frozen=True)
class ServiceForecast:
    """The next ``forecast.points_minor`` days of a service after ``last_day``."""

    service: str
    history_days: int
    history_minor: int
    last_day: date
    forecast: SeriesForecast
    backtest: Backtest | None

    @property
    def accuracy(self) -> str:
        return describe(self.backtest, "day")


def service_forecasts(
    session: Session, currency: str, days: int, source: str | None = None
) -> list[ServiceForecast]:
    """Per service with cost in the HISTORY_DAYS up to the last day loaded (of ``source``, or of
    every source): the forecast of the next ``days`` days, biggest history first; UnknownSource
    for an unknown ``source``."""
    scope = [CostDaily.base_currency == currency]
    if source is not None:
        source_id = session.scalar(select(CostSource.id).where(CostSource.name == source))
        if source_id is None:
            raise UnknownSource(f"no cost source {source}")
        scope.append(CostDaily.source_id == source_id)
    last = session.scalar(select(func.max(CostDaily.usage_date)).where(*scope))
    if last is None:
        return []
    scale = 10 ** minor_digits(currency)
    amounts: dict[str, dict[date, float]] = defaultdict(dict)
    for service, day, cost in session.execute(
        select(
            CostDaily.service_name, CostDaily.usage_date, func.sum(CostDaily.effective_cost_base)
        )
        .where(*scope, CostDaily.usage_date > last - timedelta(days=HISTORY_DAYS))
        .group_by(CostDaily.service_name, CostDaily.usage_date)
    ).all():
        amounts[service or "(no service)"][day] = float(cost * scale)
    forecasts = [
        _forecast(name, daily_series(by_day, last), last, days) for name, by_day in amounts.items()
    ]
    return sorted(forecasts, key=lambda f: (-f.history_minor, f.service))


def _forecast(service: str, history: list[float], last: date, days: int) -> ServiceForecast:
    return ServiceForecast(
        service=service,
        history_days=len(history),
        history_minor=to_minor(sum(history)),
        last_day=last,
        forecast=forecast_series(history, days, DAYS_PER_SEASON),
        backtest=backtest(history, DAYS_PER_SEASON, daily=True),
    )
