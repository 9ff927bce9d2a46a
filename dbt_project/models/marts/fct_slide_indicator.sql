-- The slide deck's figures: 2025 digital-transformation targets (kind 'target_2025') and status
-- figures (kind 'status'). Figures without a readable label are not here (never guessed).
select
    document_id,
    section,
    kind,
    indicator_text,
    scope,
    comparator,
    indicator_value,
    unit,
    year,
    source_locator
from {{ ref('stg_extraction__slide_indicators') }}
