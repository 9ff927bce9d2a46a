"""What a refresh that worked still asks a person to fix in raw/, from the run's Dagster events.

The refresh goes on past a bad input (house rule): a manifest line it cannot read, a copy of a
document, a document nobody listed, a submission whose archive copy could not be written. Each is a
warning in the run's log, which nobody reads after a night that says "thành công". So the command
line's summary, the successes log and `nq57 status` (ST-14) all carry them, taken from the same
place: the ingestion's ``warnings`` metadata and the documents' warning checks.

Each warning is made from the catalogue (pipelines.input_rules), so its text starts with its ID:
IN-S… for raw/submissions, IN-D… for raw/documents. No "submissions:" / "documents:" is put before
it: the text must start with the ID wherever it is shown, and the ID already says which folder.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

SUBMISSIONS_ASSET = "raw/submission_files"
# The documents' warning checks (pipelines.assets.extraction) keep their findings as text metadata,
# one input warning per line. Not "metadata_issues": each of its lines is a document's copy of a
# manifest warning or a not-loaded one listed here already (a missing column once per document).
DOCUMENT_CHECK_METADATA = {
    "every_document_extracted": ("failed", "issues"),
    "every_document_listed_once": ("manifest", "not_loaded"),
}


def input_warnings(events: Iterable[Any]) -> list[str]:
    """The warnings about input files of a run, each once: the submissions' first, then the documents'."""
    found: list[str] = []
    failed_checks = []
    for event in events:
        if event.is_step_materialization:
            materialization = event.event_specific_data.materialization
            if materialization.asset_key.to_user_string() == SUBMISSIONS_ASSET:
                value = materialization.metadata.get("warnings")
                found.extend(value.value if value else [])
        elif event.event_type_value == "ASSET_CHECK_EVALUATION" and not event.event_specific_data.passed:
            failed_checks.append(event.event_specific_data)
    for check in failed_checks:
        for key in DOCUMENT_CHECK_METADATA.get(check.check_name, ()):
            value = check.metadata.get(key)
            text = str(value.value) if value is not None else ""
            found.extend(line for line in text.splitlines() if line.strip() not in ("", "—"))
    return list(dict.fromkeys(found))
