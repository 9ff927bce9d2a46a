select
    document_id,
    target_no,
    text as target_text,
    source_locator
from {{ source('extraction', 'headline_targets') }}
