"""The expense summary as an e-mail over SMTP: HTML with its charts as inline PNG images (each
referenced by ``cid:`` and described by its table), a text part, and the figures as a CSV
attachment. Reads and records nothing; a failed send raises, for its caller's retry."""

from __future__ import annotations

import hashlib
from email.mime.application import MIMEApplication
from email.mime.image import MIMEImage
from email.mime.multipart import MIMEMultipart
from email.utils import formatdate
from typing import Any

from jinja2 import Environment

from adapters.smtp_connections import SmtpConnections
from adapters.smtp_mail import SEND_TIMEOUT_SECONDS, _address, _header, _text_part, email_templates
from adapters.summary_charts import bar_chart_png, line_chart_png
from domain.expense_summary import SummaryMail
from domain.notifications import Recipient
from settings.outside_systems import SmtpSettings


class ExpenseSummaryMailer:
    """Sends a ``SummaryMail`` to one addressee."""

    def __init__(self, smtp: SmtpSettings, templates: Environment | None = None) -> None:
        if not smtp.host:
            raise ValueError("ExpenseSummaryMailer needs a mail relay (POFLOW_SMTP_HOST)")
        self._smtp = smtp
        self._connections = SmtpConnections(smtp.host, smtp.port, SEND_TIMEOUT_SECONDS)
        self._templates = templates or email_templates()

    def send_summary(self, summary: SummaryMail, person: Recipient) -> None:
        self._connections.send([self.compose(summary, person)])

    def compose(self, summary: SummaryMail, person: Recipient) -> MIMEMultipart:
        """multipart/mixed: (multipart/related: (text | HTML), the charts) and the CSV."""
        charts = _charts(summary)
        context: dict[str, Any] = {
            "summary": summary,
            "subject": summary.subject,
            "recipient": person,
            "charts": {name: cid for name, (cid, _, _) in charts.items()},
            "app_url": self._smtp.app_url.rstrip("/"),
        }
        body = MIMEMultipart("alternative")
        body.attach(_text_part(self._render("txt", context), "plain"))
        body.attach(_text_part(self._render("html", context), "html"))
        related = MIMEMultipart("related")
        related.attach(body)
        for cid, png, title in charts.values():
            image = MIMEImage(png, "png")
            image["Content-ID"] = f"<{cid}>"
            image.add_header("Content-Disposition", "inline", filename=f"{title}.png")
            related.attach(image)
        message = MIMEMultipart("mixed")
        message["Subject"] = _header(summary.subject)
        message["From"] = _header(self._smtp.sender)
        message["To"] = _address(person)
        message["Date"] = formatdate(localtime=False)
        digest = hashlib.sha256(f"{summary.idempotency_key}:{person.email}".encode())
        message["Message-ID"] = f"<{digest.hexdigest()[:40]}@poflow>"
        message["X-Poflow-Kind"] = "expense_summary"
        message.attach(related)
        attachment = MIMEApplication(summary.csv.encode(), "csv")
        attachment.replace_header("Content-Type", 'text/csv; charset="utf-8"')
        name = f"expense-summary-{summary.month}.csv"
        attachment.add_header("Content-Disposition", "attachment", filename=name)
        message.attach(attachment)
        return message

    def _render(self, extension: str, context: dict[str, Any]) -> str:
        return self._templates.get_template(f"expense_summary.{extension}").render(context)


def _charts(summary: SummaryMail) -> dict[str, tuple[str, bytes, str]]:
    """Each chart by name: its content id, PNG and title."""
    seed = hashlib.sha256(summary.idempotency_key.encode()).hexdigest()[:12]
    title = f"Monthly cost, last {len(summary.trend_months)} months"
    drawn = {
        "trend": (
            line_chart_png(summary.trend_months, summary.trend, title, summary.currency),
            title,
        )
    }
    for index, table in enumerate(summary.tables):
        if table.rows:
            labels = [row.key for row in table.rows[:10]]
            values = [row.amount_minor for row in table.rows[:10]]
            png = bar_chart_png(labels, values, table.title, summary.currency)
            drawn[f"table{index}"] = (png, table.title)
    return {name: (f"{name}.{seed}@poflow", png, t) for name, (png, t) in drawn.items()}
