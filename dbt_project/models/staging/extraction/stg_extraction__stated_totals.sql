select
    document_id,
    total_id,
    scope,
    measure,
    label,
    {{ money('amount_mvnd') }} as amount_mvnd,
    amount_text,
    words_text,
    {{ money('words_amount_mvnd') }} as words_amount_mvnd,
    words_parse_error,
    words_locator,
    period_label,
    source_locator
from {{ source('extraction', 'stated_totals') }}
