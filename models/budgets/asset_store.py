"""Registering fixed assets: from an asset register, and from capital purchases (an issued or
closed PO whose requisition carries an asset tag). Audited; an asset whose depreciation is
already booked keeps its terms (a change would leave the booked months inconsistent)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from domain.asset_register import RegisteredAsset
from domain.audit_chain import AuditEvent
from domain.depreciation import AssetTerms, DepreciationMethod
from models import CostCenter, FixedAsset, GlAccount
from models.audit.trail import append_audit_entry
from models.people.records import User

# A capital purchase is depreciated straight-line over three years with no salvage value until
# finance registers other terms for its tag.
DEFAULT_LIFE_MONTHS = 36
DEPRECIATION_KEY = "depreciation:"


class AssetRefused(ValueError):
    """An asset that cannot be registered; ``rule`` names the check. Nothing is written."""

    def __init__(self, message: str, rule: str) -> None:
        super().__init__(message)
        self.rule = rule


def register_assets(
    session: Session,
    assets: Iterable[RegisteredAsset],
    *,
    base_currency: str,
    by: User,
    at: datetime,
) -> list[FixedAsset]:
    """Store each asset (a known tag's terms replaced); the whole register is refused on the
    first asset of another currency than the base, of an unknown cost center or GL account,
    or whose terms would change after its depreciation was booked."""
    stored = []
    for asset in assets:
        if asset.currency != base_currency:
            raise AssetRefused(
                f"asset {asset.tag} is in {asset.currency}; the ledger books {base_currency}",
                "not_base_currency",
            )
        center = _id(session, CostCenter, asset.cost_center, "unknown_cost_center")
        gl = _id(session, GlAccount, asset.gl_account, "unknown_gl_account")
        stored.append(_store(session, asset, center, gl, by, at))
    return stored


def register_po_assets(
    session: Session, *, capex_gl: str | None, by: User | None, at: datetime
) -> list[FixedAsset]:
    """An asset for every issued or closed PO whose requisition has an asset tag and that has
    none yet: its base amount, cost center and GL account (``capex_gl`` when the PO's is not a
    capital account; without one such a PO waits), in service from the ERP's first
    ``received`` event, else the requisition's service start."""
    fallback = _id(session, GlAccount, capex_gl, "unknown_gl_account") if capex_gl else None
    stored = []
    for po in session.execute(_CAPITAL_PURCHASES):
        gl = po.gl_account_id if po.capex else fallback
        if gl is None or po.cost_center_id is None:
            continue
        terms = AssetTerms(
            po.amount_base_minor,
            0,
            DEFAULT_LIFE_MONTHS,
            DepreciationMethod.STRAIGHT_LINE,
            po.received or date.fromisoformat(po.service_start),
        )
        asset = RegisteredAsset(
            po.tag, po.title[:300], "", "", po.base_currency, terms, po.po_number
        )
        stored.append(_store(session, asset, po.cost_center_id, gl, by, at))
    return stored


_CAPITAL_PURCHASES = text(
    """
    SELECT po.po_number, po.title, po.cost_center_id, po.gl_account_id, po.amount_base_minor,
           po.base_currency, COALESCE(gl.capex, false) AS capex,
           po.detail -> 'requisition' ->> 'asset_tag' AS tag,
           (SELECT min(line ->> 'service_start')
              FROM jsonb_array_elements(po.detail -> 'requisition' -> 'lines') line)
             AS service_start,
           (SELECT min(e.occurred_at)::date FROM erp_status_events e
             WHERE e.po_number = po.po_number AND e.status = 'received') AS received
    FROM purchase_orders po LEFT JOIN gl_accounts gl ON gl.id = po.gl_account_id
    WHERE po.status IN ('issued', 'closed')
      AND COALESCE(po.detail -> 'requisition' ->> 'asset_tag', '') <> ''
      AND NOT EXISTS (SELECT 1 FROM fixed_assets a
                      WHERE a.tag = po.detail -> 'requisition' ->> 'asset_tag')
    ORDER BY po.po_number
    """
)


def booked_any(session: Session, tag: str) -> bool:
    """Whether a month of the asset's depreciation is in the ledger."""
    return bool(
        session.scalar(
            text("SELECT EXISTS (SELECT 1 FROM ledger_entries WHERE idempotency_key LIKE :key)"),
            {"key": f"{DEPRECIATION_KEY}{tag}:%"},
        )
    )


def _store(
    session: Session, asset: RegisteredAsset, center: int, gl: int, by: User | None, at: datetime
) -> FixedAsset:
    row = session.scalar(select(FixedAsset).where(FixedAsset.tag == asset.tag))
    values = _values(asset, center, gl)
    before = None
    if row is not None:
        before = _terms_of(row)
        if before != _terms_of(FixedAsset(**values)) and booked_any(session, asset.tag):
            raise AssetRefused(
                f"asset {asset.tag} has booked depreciation; its terms stay", "asset_booked"
            )
        for name, value in values.items():
            setattr(row, name, value)
    else:
        row = FixedAsset(**values, created_by_id=by.id if by else None)
        session.add(row)
    session.flush()
    _audit(session, row, before, by, at)
    return row


def _values(asset: RegisteredAsset, center: int, gl: int) -> dict[str, object]:
    terms = asset.terms
    return {
        "tag": asset.tag,
        "description": asset.description,
        "po_number": asset.po_number,
        "cost_center_id": center,
        "gl_account_id": gl,
        "cost_minor": terms.cost_minor,
        "salvage_minor": terms.salvage_minor,
        "currency": asset.currency,
        "method": terms.method,
        "life_months": terms.life_months,
        "in_service": terms.in_service,
    }


def _terms_of(row: FixedAsset) -> dict[str, object]:
    return {
        "cost_center_id": row.cost_center_id,
        "gl_account_id": row.gl_account_id,
        "cost_minor": row.cost_minor,
        "salvage_minor": row.salvage_minor,
        "method": str(row.method),
        "life_months": row.life_months,
        "in_service": row.in_service.isoformat(),
    }


def _id(session: Session, table: type[CostCenter] | type[GlAccount], code: str, rule: str) -> int:
    found = session.scalar(select(table.id).where(table.code == code))
    if found is None:
        raise AssetRefused(f"no {table.__tablename__[:-1].replace('_', ' ')} {code}", rule)
    return found


def _audit(
    session: Session,
    row: FixedAsset,
    before: dict[str, object] | None,
    by: User | None,
    at: datetime,
) -> None:
    what = "registered" if before is None else "changed"
    append_audit_entry(
        session,
        AuditEvent(
            occurred_at=at,
            actor=by.username if by else "poflow",
            action=f"fixed_asset.{what}",
            entity_type="fixed_asset",
            entity_id=row.tag,
            idempotency_key=f"fixed-asset:{row.tag}:{at.isoformat()}:{what}",
            before=before,
            after=_terms_of(row),
        ),
    )
