"""`flask cases check`: a case whose engine state, work items, submissions and record (全程纪实)
disagree is named, with how they disagree; the cases the product writes always agree."""

from sqlalchemy import delete, update
from test_concurrency import start_recruitment, talk_data

from webapp.cases import operations
from webapp.extensions import db
from webapp.models import AuditEvent, Case, Submission, WorkItem


def check(runner) -> tuple[int, list[str]]:
    result = runner.invoke(args=["cases", "check"])
    return result.exit_code, result.output.splitlines()


def change(app, statement) -> None:
    with app.app_context():
        db.session.execute(statement)
        db.session.commit()


def talked_case(app, demo) -> tuple[int, int, int]:
    """A case whose initial talk (R02) is done: the case, the completed item and the open R03 item."""
    case_id = start_recruitment(app, demo)
    with app.app_context():
        (item,) = db.session.get(Case, case_id).work_items
        operations.complete_work_item(item, talk_data(app, demo), demo.user("branch1_secretary"))
        db.session.commit()
        done, next_item = db.session.get(Case, case_id).work_items
        return case_id, done.id, next_item.id


def test_every_case_of_the_demo_agrees_with_itself(runner, demo_with_cases):
    assert check(runner) == (0, ["OK"])


def test_a_missing_work_item_of_a_ready_step_is_found(app, runner, demo):
    case_id, _, next_item = talked_case(app, demo)
    change(app, delete(WorkItem).where(WorkItem.id == next_item))
    status, lines = check(runner)
    assert status == 1
    assert len(lines) == 1 and lines[0].startswith(f"办件 {case_id}（FZ-")
    assert lines[0].endswith("：引擎中待办理的环节「推荐和确定入党积极分子」（R03_designate_activist）没有待办事项")


def test_an_open_work_item_the_engine_has_moved_past_is_found(app, runner, demo):
    case_id, done, _ = talked_case(app, demo)
    change(app, update(WorkItem).where(WorkItem.id == done).values(status="open"))
    status, lines = check(runner)
    assert status == 1
    assert [line.split("：", 1)[1] for line in lines] == [
        f"待办事项 {done}「党组织派人谈话」在引擎中已不是待办理的环节",
        f"提交的表单指向未办结的待办事项 {done}",
        "环节 R02_initial_talk：已办事项 0 个，全程纪实中的办理记录 1 条",
    ]


def test_a_completed_step_without_its_submission_or_its_event_is_found(app, runner, demo):
    _, done, _ = talked_case(app, demo)
    change(app, delete(Submission).where(Submission.work_item_id == done))
    assert check(runner)[1][0].endswith(f"已办事项 {done}「党组织派人谈话」有 0 份提交的表单（应为 1 份）")


def test_a_deleted_last_event_is_found_with_the_chain(app, runner, demo):
    case_id, _, _ = talked_case(app, demo)
    change(app, delete(AuditEvent).where(AuditEvent.case_id == case_id, AuditEvent.kind == "complete"))
    assert [line.split("：", 1)[1] for line in check(runner)[1]] == [
        "全程纪实校验未通过：第 2 条记录（event missing）",
        "环节 R02_initial_talk：已办事项 1 个，全程纪实中的办理记录 0 条",
    ]


def test_an_engine_state_that_cannot_be_read_is_reported_not_raised(app, runner, demo):
    case_id, _, _ = talked_case(app, demo)
    change(app, update(Case).where(Case.id == case_id).values(state="{not json"))
    status, lines = check(runner)
    assert status == 1 and lines[0].split("：", 1)[1].startswith("引擎状态无法读取：")
