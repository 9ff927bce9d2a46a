-- Exactly one non-state funding source without a note pattern: the catch-all for notes that name
-- no kind (int_plan_items__other_funding relies on it).
select count(*) as catch_all_rows
from {{ ref('ref_funding_source') }}
where not is_state_budget and coalesce(note_pattern, '') = ''
having count(*) <> 1
