"""How long a person has been at their recruitment stage: the 督办 pipeline counts by it and the roster
filters by it, with the same buckets, so that each bar of the chart links to exactly its people."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, case

from workflows.i18n import N_

from ..models import Member

# The stages of the pipeline, in the order of the procedure (RULES.md §3), and the date each began:
# 递交入党申请书, 确定为入党积极分子, 确定为发展对象, 接收为预备党员.
WAITING_STAGES = {
    "applicant": Member.application_date,
    "activist": Member.activist_date,
    "development_candidate": Member.candidate_date,
    "probationary_member": Member.probation_start,
}


@dataclass(frozen=True)
class Bucket:
    """Days at the stage from ``min_days`` (inclusive) to ``max_days`` (exclusive); None: unbounded."""

    key: str
    label: str
    min_days: int | None
    max_days: int | None
    dated: bool = True  # False: the bucket of people whose stage has no date on record


# The marks of the procedure: 3 months to the first talk and designation, 6-monthly reviews, a year of
# cultivation or probation (细则第十一条、党章第七条), two years and more is worth a look.
BUCKETS = (
    Bucket("lt3m", N_("不满3个月"), None, 91),
    Bucket("3to6m", N_("3至6个月"), 91, 183),
    Bucket("6to12m", N_("6个月至1年"), 183, 365),
    Bucket("1to2y", N_("1至2年"), 365, 730),
    Bucket("ge2y", N_("2年以上"), 730, None),
    Bucket("undated", N_("日期未登记"), None, None, dated=False),
)
BUCKETS_BY_KEY = {bucket.key: bucket for bucket in BUCKETS}


def stage_began():
    """SQL: the date the member's current pipeline stage began (NULL outside the pipeline)."""
    return case(*((Member.stage == stage, column) for stage, column in WAITING_STAGES.items()), else_=None)


def days_at_stage(member: Member, today: date) -> int | None:
    """Days since the member's pipeline stage began; None outside the pipeline or without the date."""
    column = WAITING_STAGES.get(member.stage)
    began = getattr(member, column.key) if column is not None else None
    return (today - began).days if began is not None else None


def bucket_of(days: int | None) -> Bucket:
    """The bucket of ``days`` at the stage (None: no date on record)."""
    if days is None:
        return BUCKETS_BY_KEY["undated"]
    return next(b for b in BUCKETS if b.dated and (b.min_days is None or days >= b.min_days)
                and (b.max_days is None or days < b.max_days))


def waited_filter(bucket: Bucket, today: date):
    """SQL: members of a pipeline stage whose time at it falls in ``bucket`` (as bucket_of counts it)."""
    began = stage_began()
    in_pipeline = Member.stage.in_(WAITING_STAGES)
    if not bucket.dated:
        return and_(in_pipeline, began.is_(None))
    clauses = [in_pipeline, began.is_not(None)]
    if bucket.min_days is not None:  # days >= min  ⇔  began <= today - min
        clauses.append(began <= today - timedelta(days=bucket.min_days))
    if bucket.max_days is not None:  # days < max  ⇔  began > today - max
        clauses.append(began > today - timedelta(days=bucket.max_days))
    return and_(*clauses)

