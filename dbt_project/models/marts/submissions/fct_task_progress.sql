-- Task progress as reported: task × period × agency, every loaded version (is_current = in force).
select
    rows.submission_id || ':' || rows.sheet || ':' || rows.row_no as task_progress_key,
    tasks.task_key,
    rows.appendix,
    rows.item_no,
    rows.agency_code,
    rows.report_year as year,
    rows.report_quarter as quarter,
    rows.period,
    rows.status_code,
    rows.status_text,
    rows.percent_complete,
    rows.percent_status,
    rows.note,
    rows.version,
    rows.is_current,
    rows.is_sample,
    rows.received_at as valid_from,
    rows.superseded_at as valid_to,
    rows.submission_id,
    rows.file_name,
    rows.sheet,
    rows.row_no,
    -- A row with a warning is loaded: say which figures rest on a cell the validator questioned.
    warnings.warning_rule_ids is not null as row_has_warning,
    warnings.warning_rule_ids as row_warning_rule_ids
from {{ ref('stg_submissions__progress_rows') }} as rows
left join {{ ref('dim_task') }} as tasks on tasks.appendix = rows.appendix and tasks.item_no = rows.item_no
left join {{ ref('int_submission_rows__warnings') }} as warnings
    on warnings.submission_id = rows.submission_id and warnings.sheet = rows.sheet and warnings.row_no = rows.row_no
where rows.file_status in ('accepted', 'flagged')
