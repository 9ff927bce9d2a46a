select
    document_id,
    trim(indicator_no) as indicator_no,
    indicator_name,
    column_label,
    year,
    period_start,
    period_end,
    target_text,
    comparator,
    {{ money('value') }} as target_value,
    unit,
    value_status,
    source_locator
from {{ source('extraction', 'kpi_targets') }}
