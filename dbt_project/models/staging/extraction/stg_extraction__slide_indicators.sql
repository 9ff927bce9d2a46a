select
    document_id,
    section,
    kind,
    indicator_text,
    scope,
    comparator,
    {{ money('value') }} as indicator_value,
    unit,
    year,
    source_locator
from {{ source('extraction', 'slide_indicators') }}
