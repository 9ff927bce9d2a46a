-- The warning-level findings at each reported row (file × sheet × row): a row with a warning is loaded
-- (only fatal findings keep a row out), so the facts carry these marks to say which figures rest on a
-- cell the validator questioned (disbursed above allocated, "done" at 95 %, an indicator of another
-- agency, …).
select
    submission_id,
    sheet,
    row_no,
    string_agg(distinct rule_id, ',' order by rule_id) as warning_rule_ids
from {{ ref('stg_submissions__findings') }}
where severity = 'warning' and row_no is not null
group by all
