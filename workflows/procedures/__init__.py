"""Procedures the engine knows, by BPMN process key.

Each procedure is a module of ``workflows.procedures`` with the same public names, which the web
layer reads and tests/workflows/test_procedures.py checks for every registered procedure:

``PROCESS_KEY``          the BPMN process id of its definition in ``bpmn/``
``BUSINESS_KEY_PREFIX``  the two capitals a case's business key starts with (``FZ-20261206-1A2B3C``)
``SUBJECT_KIND``         what one case is about: ``"new_member"`` (a person created from the start
                         form: an applicant), ``"member"`` (an existing member, the start form's
                         ``member_id``) or ``"unit"`` (the unit the case is started in: a branch that
                         elects, changes or dissolves)
``START_UNIT_KINDS``     the kinds of unit where its cases are started (by that unit's 书记、副书记、
                         组织委员, or an admin)
``STARTS_IN_TEMPORARY_BRANCHES``  whether a 临时党支部 may start it (RULES.md §6.6: a temporary branch
                         generally admits no members, collects no dues and holds no elections)
``STAGES``               (key, label) of its stages in order, for the progress bar
``STEPS``                step code → stage key
``FORM_KEYS``            step code → form key (form keys are unique across procedures)
``MEMBER_FIELDS``        form fields holding member ids, looked up into ``StepContext.members``
``PICKER_SOURCES``       form field → the name of the list its choices come from (webapp/cases/formkit.py)
``KEY_DATES``            (engine variable, label) of the dates shown in a case's summary
``END_STATUS``           end event id → case status (``completed`` when not listed)
``check(step_code, data, ctx)``               the violated guards (an empty list: may complete)
``derive(step_code, data, ctx)``              the engine variables the step sets
``member_changes(step_code, data, derived, case_data)``  changes of the subject's member record
``org_changes(step_code, data, case_data)``   changes of the organisation data (workflows/org_changes.py)
``due_dates(deadline_key, opened_on, case_data, settings)``  (due_on, hard_due_on, remind_on)

Optional names (read with a default):

``STARTED_BY_SUPERIORS``  the officers of any unit above the start unit may start it there too (the
                         superior decides directly: 党支部设置); default False
``UNIT_FACT_FIELDS``     form fields and case variables naming units whose facts (``StepContext.units``,
                         with the case's unit and its parent) the rules read; default: no unit facts
``COUNTS_ROSTER``        True gives every step's StepContext the unit's kind and the counts of its electorate
                         (the unit and every unit below it: full, voting and all members): the elections
``ONE_RUNNING_PER_UNIT`` the process keys of which a unit runs one case at a time (a second start is refused
                         while one is unfinished)
``CHAIN_FIELDS``         form fields naming units whose chains in the tree (``StepContext.chains``) the rules read
``title_detail(case_data)``   what the case's title names when its subject is no member (a set-up's branch)
``summary_facts(case_data)``  (label, value) pairs shown in the case's summary besides its key dates
``org_changes`` is also asked for the id of each timer event that fires (a temporary branch's end).
"""

from workflows.procedures import (
    branch_change,
    branch_dissolution,
    branch_setup,
    by_election,
    election_postponement,
    recruitment,
    term_election,
    transfer,
)

PROCEDURES = {module.PROCESS_KEY: module for module in (recruitment, term_election, by_election, election_postponement,
                                                        transfer, branch_setup, branch_change, branch_dissolution)}

SUBJECT_KINDS = ("new_member", "member", "unit")
