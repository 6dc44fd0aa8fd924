"""Procedures the engine knows, by BPMN process key."""

from workflows.procedures import recruitment

PROCEDURES = {recruitment.PROCESS_KEY: recruitment}
