"""The e-mail outbox: notifications whose person has an e-mail address, sent by the timer worker.

Off unless MAIL_SMTP_HOST is set. The outbox is the notifications with ``emailed_at`` NULL (and still
unread: one read in the app needs no e-mail). Each is claimed, sent and marked in one transaction:
PostgreSQL locks the row (FOR UPDATE SKIP LOCKED: a second worker passes over it) and the UPDATE
… WHERE emailed_at IS NULL is the compare-and-set that lets only one worker mark it, so each goes out
once. An SMTP failure rolls the claim back: the notification stays in the outbox for the next tick
and is logged. (A worker killed between the server's acceptance and the commit sends it again at
the next tick: at least once, never lost.)
"""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError

from .. import clock
from ..extensions import db
from ..models import Notification, User
from .service import render

SUBJECT_CHARS = 60


def deliver_pending_email(limit: int = 100) -> int:
    """Send up to ``limit`` notifications of the outbox, oldest first; how many were sent."""
    pending = pending_ids(limit)
    db.session.rollback()  # end the reading transaction: each notification gets its own
    if not pending:
        return 0
    try:
        smtp = _connect(current_app.config)
    except (OSError, smtplib.SMTPException) as err:
        current_app.logger.warning("e-mail: cannot reach the SMTP server, %s notifications wait: %s", len(pending), err)
        return 0
    sent = 0
    try:
        for notification_id in pending:
            outcome = _send_one(smtp, notification_id)
            if outcome is None:  # the connection is gone: the rest wait for the next tick
                break
            sent += outcome
    finally:
        _close(smtp)
    return sent


def pending_ids(limit: int) -> list[int]:
    """The outbox: unread, not yet e-mailed notifications of enabled people with an e-mail address."""
    return list(db.session.scalars(
        select(Notification.id).join(User, User.id == Notification.user_id)
        .where(Notification.emailed_at.is_(None), Notification.read_at.is_(None), User.email.is_not(None),
               User.email != "", User.is_enabled.is_(True))
        .order_by(Notification.id).limit(limit)))


def _send_one(smtp: smtplib.SMTP, notification_id: int) -> int | None:
    """1 when sent, 0 when another worker has it (or it left the outbox), None when the connection failed."""
    try:
        if not _claim(notification_id):
            db.session.rollback()
            return 0
        notification = db.session.get(Notification, notification_id)
        smtp.send_message(message_for(notification, current_app.config))
        db.session.commit()
        return 1
    except OperationalError as err:  # a lock wait ran out: the next tick tries again
        db.session.rollback()
        current_app.logger.warning("e-mail: notification %s skipped: %s", notification_id, err)
        return 0
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as err:
        db.session.rollback()
        current_app.logger.warning("e-mail: notification %s refused by the SMTP server, retried next tick: %s",
                                   notification_id, err)
        return 0
    except (OSError, smtplib.SMTPException) as err:
        db.session.rollback()
        current_app.logger.warning("e-mail: SMTP connection lost at notification %s, retried next tick: %s",
                                   notification_id, err)
        return None


def _claim(notification_id: int) -> bool:
    """Lock the row unless another worker holds it, then mark it e-mailed if it still is not."""
    held = db.session.scalar(select(Notification.id).where(Notification.id == notification_id,
                                                           Notification.emailed_at.is_(None))
                             .with_for_update(skip_locked=True))
    if held is None:
        return False
    marked = db.session.execute(update(Notification.__table__)
                                .where(Notification.__table__.c.id == notification_id,
                                       Notification.__table__.c.emailed_at.is_(None))
                                .values(emailed_at=clock.now()))
    return marked.rowcount == 1


def message_for(notification: Notification, config) -> EmailMessage:
    """The e-mail of one notification, in the app's default language (a worker has no reader's language)."""
    text = render(notification)
    message = EmailMessage()
    message["Subject"] = _("PartyFlow 通知：%(text)s", text=_shortened(text))
    message["From"] = config["MAIL_FROM"]
    message["To"] = notification.user.email
    message["Message-ID"] = make_msgid(domain="partyflow")
    lines = [_("%(name)s：", name=notification.user.display_name), "", text]
    if notification.link:
        lines += ["", _("查看：%(url)s", url=(config.get("MAIL_BASE_URL") or "").rstrip("/") + notification.link)]
    lines += ["", _("此邮件由 PartyFlow 系统自动发送，请勿回复。登录系统后可在“通知”中查看全部通知。")]
    message.set_content("\n".join(lines))
    return message


def _shortened(text: str) -> str:
    return text if len(text) <= SUBJECT_CHARS else text[:SUBJECT_CHARS - 1] + "…"


def _connect(config) -> smtplib.SMTP:
    smtp = smtplib.SMTP(config["MAIL_SMTP_HOST"], config["MAIL_SMTP_PORT"], timeout=config["MAIL_SMTP_TIMEOUT"])
    if config["MAIL_SMTP_STARTTLS"]:
        smtp.starttls()
    if config.get("MAIL_SMTP_USER"):
        smtp.login(config["MAIL_SMTP_USER"], config.get("MAIL_SMTP_PASSWORD") or "")
    return smtp


def _close(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        smtp.close()
