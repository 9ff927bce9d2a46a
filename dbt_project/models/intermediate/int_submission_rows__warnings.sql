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
    -- About the row's own figures and keys: not a whole column outside the form (SUB-T05, placed at its
    -- first filled cell), not garbled text or a link in a note (SUB-E02, SUB-V10).
    and category in ('content', 'value', 'consistency')
    and coalesce(column_code, '') <> 'note'
group by all
