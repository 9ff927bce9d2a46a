select
    document_id || ':' || {{ normalise_appendix('appendix') }} || ':' || group_code as group_key,
    document_id,
    {{ normalise_appendix('appendix') }} as appendix,
    group_code,
    group_kind,
    name as group_name,
    sequence,
    source_locator
from {{ source('extraction', 'plan_groups') }}
