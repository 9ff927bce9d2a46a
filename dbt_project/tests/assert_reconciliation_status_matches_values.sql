-- 'pass' exactly when both values are known and equal; the difference is computed − stated.
select *
from {{ ref('rpt_reconciliation') }}
where (status = 'pass') <> coalesce(stated_value = computed_value, false)
   or difference is distinct from computed_value - stated_value
