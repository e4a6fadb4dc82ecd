"""Forecasts of spend: a statistical model fitted to a series, its backtest, and the dated
adjustments planned on budget lines (see docs/forecasting.md)."""
