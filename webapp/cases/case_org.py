"""What an operation knows of the organisation around its case's unit: the configuration, the tree, the
unit's chain (routing) and its rule settings."""

from __future__ import annotations

from dataclasses import dataclass

from workflows.org import OrgUnitRef
from workflows.settings import RuleSettings

from ..orgcache import OrgConfig, current_config
from ..orgtree import DbOrgTree


@dataclass(frozen=True)
class CaseOrg:
    """What an operation knows of the organisation around its case's unit."""

    config: OrgConfig
    tree: DbOrgTree
    chain: list[OrgUnitRef]
    settings: RuleSettings


def org_around(unit_id: int, config: OrgConfig | None = None) -> CaseOrg:
    config = config or current_config()
    tree = config.tree()
    chain = tree.load_chain(unit_id)
    return CaseOrg(config, tree, chain, config.settings(chain))
