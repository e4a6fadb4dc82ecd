"""The decision card an approver decides from, and the approval timeline below it: built from
the PO's view alone, the same for the page, the signed-link page, the e-mail and the chat."""

from datetime import timedelta

from domain.approval import apply_decision
from domain.approval_timeline import TierState, approval_timeline
from domain.catalog import Decision, PoStatus
from domain.decision_card import BudgetFigure, decision_card, relative_deadline
from domain.entitlement import DecisionRequest
from domain.money import Money
from domain.standing import Standing
from tests.builders.approvals import NOW, submitted, waiting_on_priya


def test_right_after_submit_the_card_shows_no_made_up_figures() -> None:
    card = decision_card(submitted(), None, NOW)
    assert card.preparing and card.amount_base is None and card.tier is None
    assert card.amount == Money(3_100_000, "USD")
    assert card.what == "12 x Object storage, 1 TB-month and 1 more line"
    assert approval_timeline(submitted(), NOW) == []
    assert card.amount_text() == "31,000.00 USD (base-currency amount being converted…)"
    assert (card.budget_text(), card.tier_text()) == (
        "Budget being checked…",
        "Approval chain being prepared…",
    )


def test_the_waiting_approver_reads_the_facts_their_tier_and_who_comes_next() -> None:
    budget = BudgetFigure("IT-INFRA", "6100", Money(-45_050, "EUR"))
    card = decision_card(
        waiting_on_priya(), budget, NOW + timedelta(hours=1), Standing(True), "priya"
    )
    assert card.amount_base == Money(2_880_000, "EUR")
    assert card.over_budget and card.over_by == Money(45_050, "EUR")
    assert card.justification == "Business case BC-2026-7"
    assert card.risk_flags == ("handles pii", "third party access")
    assert card.risk_papers == ("DPIA DPIA-12", "least-privilege statement missing")
    assert card.tier is not None and (card.tier.number, card.tier.people) == (1, ("priya",))
    assert [(t.name, t.people) for t in card.then] == [("IT leadership", ("tom",))]
    assert (card.due, card.overdue) == ("due in 47 hours", False)
    assert card.comment_required
    assert card.actions == (
        Decision.APPROVE,
        Decision.REJECT,
        Decision.REQUEST_INFORMATION,
        Decision.FORWARD,
        Decision.EXTEND_DEADLINE,
    )
    assert card.forward_to == ("tom", "paul")
    assert card.amount_text() == "31,000.00 USD = 28,800.00 EUR"
    assert card.budget_text() == "Over budget by 450.50 EUR on IT-INFRA · GL 6100"
    assert card.tier_text() == (
        "Tier 1 of 2: cost-center owner (you), then IT leadership (tom) · due in 47 hours"
    )
    assert card.risk_text() == (
        "handles pii, third party access (DPIA DPIA-12; least-privilege statement missing)"
    )
    # at most the tier's own 48 hours
    assert card.extend_options() == [(24 * 60, "1 day"), (2 * 24 * 60, "2 days")]


def test_one_who_may_not_decide_gets_the_facts_and_no_actions() -> None:
    card = decision_card(waiting_on_priya(), None, NOW, Standing(why_not="no"), "tom")
    assert card.actions == () and card.tier is not None and not card.over_budget
    assert card.tier_text().startswith("Tier 1 of 2: cost-center owner (priya), then")
    within = BudgetFigure("IT-INFRA", "6100", Money(120_000, "EUR"))
    assert decision_card(waiting_on_priya(), within, NOW).budget_text() == (
        "Within budget: 1,200.00 EUR left on IT-INFRA · GL 6100 after this PO"
    )
    assert decision_card(waiting_on_priya(), None, NOW).actions == ()


def test_an_extended_deadline_is_not_offered_again() -> None:
    view = waiting_on_priya()
    request = DecisionRequest(
        "priya", Decision.EXTEND_DEADLINE, comment="on leave", extend_minutes=60
    )
    apply_decision(view.approval_state(), request, NOW)
    card = decision_card(view, None, NOW, Standing(True), "priya")
    assert Decision.EXTEND_DEADLINE not in card.actions and card.extend_choices == ()


def test_deadlines_read_as_due_in_or_overdue_by_whole_units() -> None:
    assert relative_deadline(NOW + timedelta(days=2, hours=5), NOW) == "due in 2 days"
    assert relative_deadline(NOW - timedelta(hours=3, minutes=20), NOW) == "overdue by 3 hours"
    assert relative_deadline(NOW + timedelta(minutes=61), NOW) == "due in 61 minutes"
    assert relative_deadline(NOW - timedelta(minutes=1), NOW) == "overdue by 1 minute"


def test_the_timeline_marks_tiers_done_current_and_upcoming_with_who_and_when() -> None:
    view = waiting_on_priya()
    tiers = approval_timeline(view, NOW)
    assert [t.state for t in tiers] == [TierState.CURRENT, TierState.UPCOMING]
    assert tiers[0].branches[0].text.startswith("waiting on priya · due in 2 days")
    assert tiers[1].branches[0].text == "then tom"  # not "waiting on tom" while tier 1 is open
    state = view.approval_state()
    apply_decision(state, DecisionRequest("priya", Decision.APPROVE, comment="ok"), NOW)
    view.tier_index = state.tier_index
    tiers = approval_timeline(view, NOW)
    assert [t.state for t in tiers] == [TierState.DONE, TierState.CURRENT]
    assert tiers[0].branches[0].text == 'approved by priya at 2026-03-02 09:00 UTC saying "ok"'


def test_a_rejected_tier_reads_rejected_and_the_tiers_after_it_not_reached() -> None:
    view = waiting_on_priya()
    state = view.approval_state()
    apply_decision(state, DecisionRequest("priya", Decision.REJECT, comment="no"), NOW)
    view.status, view.decisions = PoStatus.REJECTED, state.decisions
    tiers = approval_timeline(view, NOW)
    assert [t.state for t in tiers] == [TierState.REJECTED, TierState.NOT_REACHED]
    assert decision_card(view, None, NOW, Standing(), "priya").tier is None


def test_a_tier_shorter_than_a_day_offers_its_own_length_as_the_extension() -> None:
    view = waiting_on_priya()
    view.tiers[0].branches[0].deadline_minutes = 4 * 60  # a time-sensitive renewal's tier
    card = decision_card(view, None, NOW, Standing(True), "priya")
    assert card.extend_options() == [(4 * 60, "4 hours")]
