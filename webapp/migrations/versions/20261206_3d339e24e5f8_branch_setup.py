"""branch setup: a temporary branch's last day, the set-up and closing of a unit (RULES.md §6)

org_units.temporary_until: the end of a 临时党支部's task, when its set-up case dissolves it (TM22).
established_on / established_by_case_id: the day of the superior's reply and the case that set the unit
up; closed_on / closed_by_case_id: the day it was dissolved or merged and the case that closed it (status
"dissolved"). The case ids carry no foreign key: cases refer to units. Existing units keep them empty.

Revision ID: 3d339e24e5f8
Revises: 70abd0015980
Create Date: 2026-12-06 21:46:49.484180

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3d339e24e5f8'
down_revision = '70abd0015980'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('org_units', schema=None) as batch_op:
        batch_op.add_column(sa.Column('temporary_until', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('established_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('established_by_case_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('closed_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('closed_by_case_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_org_units_established_by_case_id'), ['established_by_case_id'], unique=False)



def downgrade():
    with op.batch_alter_table('org_units', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_org_units_established_by_case_id'))
        batch_op.drop_column('closed_by_case_id')
        batch_op.drop_column('closed_on')
        batch_op.drop_column('established_by_case_id')
        batch_op.drop_column('established_on')
        batch_op.drop_column('temporary_until')

