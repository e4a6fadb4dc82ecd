"""Mail goes out over kept-open SMTP connections: messages share one, and a connection the server
closed meanwhile is opened afresh, losing no message."""

from email.message import EmailMessage

from aiosmtpd.smtp import SMTP, Envelope
from aiosmtpd.smtp import Session as SmtpSession

from adapters.smtp_connections import SmtpConnections
from devstack.outside_world import start_mail_server
from devstack.simulators.smtp import MailInbox
from devstack.tcp_ports import free_port


class GreetedInbox(MailInbox):
    """Counts the connections that greeted it (each greets once)."""

    greetings = 0

    async def handle_EHLO(
        self,
        server: SMTP,
        session: SmtpSession,
        envelope: Envelope,
        hostname: str,
        responses: list[str],
    ) -> list[str]:
        self.greetings += 1
        session.host_name = hostname
        return responses


def _message(subject: str) -> EmailMessage:
    message = EmailMessage()
    message["Subject"], message["From"], message["To"] = subject, "poflow@x.test", "sam@x.test"
    message.set_content(subject)
    return message


def test_messages_share_one_connection() -> None:
    inbox, port = GreetedInbox(), free_port()
    server = start_mail_server(inbox, port)
    try:
        connections = SmtpConnections("127.0.0.1", port, timeout=10)
        for number in range(5):
            connections.send([_message(f"message {number}")])
    finally:
        server.stop()
    assert [str(m["Subject"]) for m in inbox.messages] == [f"message {n}" for n in range(5)]
    assert inbox.greetings == 1


def test_a_connection_the_server_closed_is_opened_again() -> None:
    inbox, port = GreetedInbox(), free_port()
    connections = SmtpConnections("127.0.0.1", port, timeout=10)
    server = start_mail_server(inbox, port)
    try:
        connections.send([_message("before")])
        server.stop()  # the server restarts, which closes the idle connection
        server = start_mail_server(inbox, port)
        connections.send([_message("after")])
    finally:
        server.stop()
    assert [str(m["Subject"]) for m in inbox.messages] == ["before", "after"]
    assert inbox.greetings == 2
