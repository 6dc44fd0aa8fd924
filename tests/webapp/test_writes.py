"""CaseWrites (webapp/cases/writes.py) writes rows by column and marks loaded objects by attribute:
the two must be the same names in every model it writes."""

import pytest
from sqlalchemy import inspect

from webapp.models import AuditEvent, Case, Member, Submission, WorkItem


@pytest.mark.parametrize("model", [Case, WorkItem, Member, AuditEvent, Submission])
def test_every_attribute_of_a_written_model_is_named_as_its_column(model):
    for attr in inspect(model).column_attrs:
        assert [column.name for column in attr.columns] == [attr.key], (model.__name__, attr.key)
