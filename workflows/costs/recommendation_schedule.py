"""The Temporal Schedule ``cost-recommendations-monthly``: the month just closed judged for
optimisation recommendations, every month."""

from __future__ import annotations

from datetime import timedelta

from temporalio.client import Client, Schedule, ScheduleActionStartWorkflow

from domain.costs.recommendations import ReviewRequest
from workflows.costs.recommendation_review import RecommendationReviewWorkflow
from workflows.schedules import at_hour, ensure_schedule

SCHEDULE_ID = "cost-recommendations-monthly"


def review_schedule(task_queue: str, day: int = 3, hour_utc: int = 6) -> Schedule:
    """``RecommendationReview`` on the ``day`` of each month at ``hour_utc``:00 UTC, for the
    month just closed: providers finish a month's cost files a day or two after it ends; a run
    missed while Temporal was down still runs within a week, never two at once."""
    action = ScheduleActionStartWorkflow(
        RecommendationReviewWorkflow.run, ReviewRequest(), id=SCHEDULE_ID, task_queue=task_queue
    )
    return at_hour(action, hour_utc, timedelta(days=7), day_of_month=day)


async def ensure_review_schedule(client: Client, task_queue: str) -> None:
    """Create the schedule unless it exists (see ``workflows.schedules``)."""
    what = "RecommendationReview monthly on the 3rd at 06:00 UTC"
    await ensure_schedule(client, SCHEDULE_ID, review_schedule(task_queue), what)
