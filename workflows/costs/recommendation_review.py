"""A month's optimisation recommendations found (docs/optimisation.md): started by the Temporal
Schedule ``cost-recommendations-monthly`` (``workflows.costs.recommendation_schedule``) for the
month just closed, or for the month it is asked. Detection stores each recommendation once per
kind, resource and month, so a second run for a month adds nothing and keeps every status."""

from __future__ import annotations

from dataclasses import replace

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.costs.recommendations import ReviewOutcome, ReviewRequest
    from domain.depreciation_messages import month_before
    from domain.temporal_names import Activity, WorkflowType
    from workflows.activity_calls import DETECTION, call


@workflow.defn(name=WorkflowType.RECOMMENDATION_REVIEW)
class RecommendationReviewWorkflow:
    @workflow.run
    async def run(self, request: ReviewRequest) -> ReviewOutcome:
        """The month judged (by default the one before the run started), what it found and
        how many of those are new."""
        if not request.period:
            now = workflow.now()
            request = replace(request, period=month_before(now.year, now.month))
        outcome: ReviewOutcome = await call(
            Activity.FIND_RECOMMENDATIONS, [request], DETECTION, ReviewOutcome
        )
        workflow.set_current_details(
            f"{outcome.period}: {outcome.found} recommendations found, {outcome.new} new"
        )
        return outcome
