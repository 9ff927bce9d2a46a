select
    document_id,
    severity,
    code as issue_code,
    message,
    source_locator
from {{ source('extraction', 'extraction_issues') }}
