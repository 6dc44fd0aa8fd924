"""Quorum and pass functions of RULES.md §2.2 for admission and regularization votes.

《发展党员工作细则》第二十一条: 有表决权的到会人数须超过应到会有表决权人数的半数; 赞成人数须
超过应到会有表决权的正式党员的半数; 因故不能到会者会前正式提出的书面意见统计在票数内.
The same rules apply to 转正, 延长预备期 and 取消预备党员资格 (第三十三条).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from workflows.guards import Violation, violation
from workflows.i18n import N_

VOTE_SOURCE = "《发展党员工作细则》第二十一条 [N-DEV]"
VOTE_RULE = "admission_vote"

TALLY_LABELS = {
    "expected_voting": N_("应到会有表决权人数"),
    "present_voting": N_("实到会有表决权人数"),
    "yes": N_("赞成票"),
    "no": N_("反对票"),
    "abstain": N_("弃权票"),
    "written_yes": N_("书面赞成意见"),
    "written_no": N_("书面反对意见"),
}


@dataclass(frozen=True)
class VoteTally:
    """Raw counts of one 支部大会 vote on one person; kept so a result can be recomputed."""

    expected_voting: int
    present_voting: int
    yes: int
    no: int
    abstain: int
    written_yes: int = 0
    written_no: int = 0

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> VoteTally:
        """Read the counts from form data (absent written opinions count as 0)."""
        return cls(**{f.name: int(data.get(f.name) or 0) for f in fields(cls)})

    @property
    def yes_total(self) -> int:
        """Yes ballots of attendees plus written yes opinions of absent voting members."""
        return self.yes + self.written_yes


def admission_quorum_ok(tally: VoteTally) -> bool:
    """More than half of the expected voting members are present (strictly)."""
    return tally.present_voting * 2 > tally.expected_voting


def admission_passed(tally: VoteTally) -> bool:
    """Yes votes (written ones included) exceed half of the EXPECTED voting members (strictly)."""
    return tally.yes_total * 2 > tally.expected_voting


def assembly_quorum_ok(tally: VoteTally, strict: bool = True) -> bool:
    """General 党员大会 quorum (支部工作条例第十一条): "more than half", or at least half if not strict."""
    if strict:
        return admission_quorum_ok(tally)
    return tally.present_voting * 2 >= tally.expected_voting


def minimum_quorum(expected_voting: int) -> int:
    """The smallest attendance that is strictly more than half of ``expected_voting``."""
    return expected_voting // 2 + 1


def validate_tally(tally: VoteTally) -> list[Violation]:
    """Problems that make the counts impossible (negative, more attendees or ballots than allowed)."""
    problems = [violation(name, N_("「%(label)s」不能为负数"), VOTE_RULE, VOTE_SOURCE, label=label)
                for name, label in TALLY_LABELS.items() if getattr(tally, name) < 0]
    if problems:
        return problems
    if tally.expected_voting == 0:
        problems.append(violation("expected_voting", N_("应到会有表决权人数须大于零"),
                                  VOTE_RULE, VOTE_SOURCE))
    if tally.present_voting > tally.expected_voting:
        problems.append(violation(
            "present_voting", N_("实到会有表决权人数（%(present)s）不能多于应到会人数（%(expected)s）"),
            VOTE_RULE, VOTE_SOURCE, present=tally.present_voting, expected=tally.expected_voting))
    ballots = tally.yes + tally.no + tally.abstain
    if ballots > tally.present_voting:
        problems.append(violation(
            "yes", N_("赞成、反对、弃权票合计（%(ballots)s）不能多于实到会有表决权人数（%(present)s）"),
            VOTE_RULE, VOTE_SOURCE, ballots=ballots, present=tally.present_voting))
    written = tally.written_yes + tally.written_no
    if written and written + tally.present_voting > tally.expected_voting:
        problems.append(violation(
            "written_yes",
            N_("书面意见只能来自未到会的有表决权党员：书面意见（%(written)s）与实到会人数（%(present)s）"
               "合计不能多于应到会人数（%(expected)s）"),
            VOTE_RULE, VOTE_SOURCE, written=written, present=tally.present_voting,
            expected=tally.expected_voting))
    return problems
