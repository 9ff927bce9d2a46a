select
    document_id,
    {{ normalise_appendix('appendix') }} as appendix,
    table_kind,
    title,
    title_period_text,
    title_period_start,
    title_period_end,
    title_period_locator,
    unit_text,
    header_text,
    column_period_text,
    column_period_start,
    column_period_end,
    column_period_locator,
    row_count,
    source_locator
from {{ source('extraction', 'plan_tables') }}
