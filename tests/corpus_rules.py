"""Which rules of the catalogue have their own bad file in tests/submissions_corpus/<RULE>/.

Shared by the modules that walk the corpus (rules, findings, reports), so a rule tested elsewhere is
left out of all of them by one line.
"""

from __future__ import annotations

from pathlib import Path

from pipelines.submissions.rules import RULES

CORPUS = Path(__file__).parent / "submissions_corpus"
# Rules that need history or a second file: checked through ingestion of their folder.
MULTI_FILE_RULES = {"SUB-X01", "SUB-F04"}
# Rules about our archive, not about a file (no bad file can show them): tested in test_submission_ingest.
ARCHIVE_RULES = {rule_id for rule_id, rule in RULES.items() if rule.category == "archive"}
# Needs a department's own report before the sample: every committed file is marked as a sample (house
# rule), so the report is made at test time (test_submission_ingest, test_submission_history).
NEEDS_A_REAL_REPORT = {"SUB-X04"}
# One file, one rule: validated alone.
SINGLE_FILE_RULES = sorted(set(RULES) - MULTI_FILE_RULES - ARCHIVE_RULES - NEEDS_A_REAL_REPORT)
