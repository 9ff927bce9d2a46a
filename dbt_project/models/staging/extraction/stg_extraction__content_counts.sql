select
    document_id,
    section_no,
    section_title,
    stated_count,
    count_text,
    listed_count,
    appendix_group_code,
    source_locator
from {{ source('extraction', 'content_counts') }}
