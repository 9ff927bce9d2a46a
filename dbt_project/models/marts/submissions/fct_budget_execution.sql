-- Task × year × quarter × funding source × agency: allocation and cumulative disbursement as reported,
-- every loaded version (is_current marks the figures in force; valid_from/valid_to give what was known
-- on a date). The disbursement in the quarter is derived from the cumulative figures of the current
-- versions: Q1 = its cumulative; later quarters = cumulative − the previous quarter's cumulative, NULL
-- (with a status) when the previous quarter was not reported.
with rows as (
    select *
    from {{ ref('stg_submissions__budget_rows') }}
    where file_status in ('accepted', 'flagged')
),

tasks as (
    select task_key, appendix, item_no, sector_code, pillar_code, lead_agency_code
    from {{ ref('dim_task') }}
),

current_rows as (
    select
        submission_id,
        row_no,
        lag(disbursed_cumulative_mvnd) over w as previous_cumulative_mvnd,
        lag(report_quarter) over w as previous_quarter
    from rows
    where is_current
    -- A real report's quarter is never derived from a sample's cumulative figure (nor a sample's from
    -- a real one): the two are kept apart, as SUB-X01 keeps them.
    window w as (
        partition by agency_code, appendix, item_no, funding_source_code, report_year, is_sample
        order by report_quarter
    )
)

select
    rows.submission_id || ':' || rows.sheet || ':' || rows.row_no as budget_execution_key,
    tasks.task_key,
    rows.appendix,
    rows.item_no,
    rows.agency_code,
    tasks.sector_code,
    tasks.pillar_code,
    rows.report_year as year,
    rows.report_quarter as quarter,
    rows.period,
    rows.funding_source_code,
    rows.allocated_mvnd,
    rows.allocated_status,
    rows.disbursed_cumulative_mvnd,
    rows.disbursed_status,
    case
        when not rows.is_current or rows.disbursed_cumulative_mvnd is null then null
        when rows.report_quarter = 1 then rows.disbursed_cumulative_mvnd
        when current_rows.previous_quarter = rows.report_quarter - 1
            then {{ money('rows.disbursed_cumulative_mvnd - current_rows.previous_cumulative_mvnd') }}
    end as disbursed_in_period_mvnd,
    case
        when not rows.is_current then 'superseded_version'
        when rows.disbursed_cumulative_mvnd is null then 'not_reported'
        when rows.report_quarter = 1 then 'first_quarter'
        when current_rows.previous_quarter = rows.report_quarter - 1 then 'derived'
        else 'previous_quarter_missing'
    end as disbursed_in_period_status,
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
    rows.row_has_fatal,
    -- A row with a warning is loaded: say which figures rest on a cell the validator questioned.
    warnings.warning_rule_ids is not null as row_has_warning,
    warnings.warning_rule_ids as row_warning_rule_ids
from rows
left join tasks on tasks.appendix = rows.appendix and tasks.item_no = rows.item_no
left join {{ ref('int_submission_rows__warnings') }} as warnings
    on warnings.submission_id = rows.submission_id and warnings.sheet = rows.sheet and warnings.row_no = rows.row_no
left join current_rows on current_rows.submission_id = rows.submission_id and current_rows.row_no = rows.row_no
