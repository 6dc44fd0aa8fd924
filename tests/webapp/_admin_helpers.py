"""Helpers of the admin tests."""

from __future__ import annotations

from webapp.extensions import db
from webapp.models import AdminEvent


def post_setting(client, unit_id: int, key: str, value, action: str = "save"):
    return client.post("/admin/settings", data={"unit": unit_id, "key": key, "value": value, action: "1"})


def admin_events(app, kind: str | None = None) -> list[AdminEvent]:
    with app.app_context():
        query = db.select(AdminEvent).order_by(AdminEvent.id)
        if kind:
            query = query.filter_by(kind=kind)
        return db.session.scalars(query).all()
