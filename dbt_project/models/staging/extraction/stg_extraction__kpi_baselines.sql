select
    document_id,
    trim(indicator_no) as indicator_no,
    indicator_name,
    baseline_text,
    year,
    period_start,
    period_end,
    {{ money('value') }} as observed_value,
    unit,
    rank,
    rank_of,
    is_approximate,
    value_status,
    source_locator
from {{ source('extraction', 'kpi_baselines') }}
