select
    funding_source_code,
    name_vi,
    name_en,
    is_state_budget,
    nullif(note_pattern, '') as note_pattern,
    source
from {{ ref('ref_funding_source') }}
