-- One row per received submission file: who, which period, version, status, rule counts, sample flag,
-- when it was received and when a later version superseded it, and for a withdrawn file why.
select
    submission_id,
    file_name,
    source_path,
    archive_path,
    sha256,
    file_format,
    encoding,
    template_version,
    agency_code,
    agency_code_from_name,
    period,
    period_from_name,
    report_year,
    report_quarter,
    version,
    status,
    is_current,
    is_sample,
    fatal_count,
    warning_count,
    rule_ids,
    budget_row_count,
    progress_row_count,
    kpi_row_count,
    received_at,
    received_at_source,
    -- Received on or before its quarter's last day (in Vietnam, as the validator's SUB-H09 takes it):
    -- its cumulative figures stop at the day it was sent, yet a loaded one is the quarter's report
    -- until a re-send replaces it. NULL when the file gave no period.
    {{ vn_date('received_at') }}
        <= (make_date(report_year, report_quarter * 3, 1) + interval 1 month - interval 1 day)::date
        as received_before_period_end,
    superseded_at,
    duplicate_of,
    error_report_xlsx,
    error_report_csv,
    -- `nq57 withdraw`: kept and listed, never loaded (status 'withdrawn'); NULL for every other file.
    withdrawn_at,
    withdrawn_by,
    withdraw_reason
from {{ ref('stg_submissions__files') }}
