-- KPI actual values as reported: indicator × period × agency, every loaded version.
select
    rows.submission_id || ':' || rows.sheet || ':' || rows.row_no as kpi_actual_key,
    rows.indicator_code,
    indicators.indicator_no,
    indicators.unit,
    indicators.direction,
    rows.agency_code,
    rows.report_year as year,
    rows.report_quarter as quarter,
    rows.period,
    rows.value as actual_value,
    rows.value_status,
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
from {{ ref('stg_submissions__kpi_rows') }} as rows
left join {{ ref('ref_indicator') }} as indicators on indicators.indicator_code = rows.indicator_code
left join {{ ref('int_submission_rows__warnings') }} as warnings
    on warnings.submission_id = rows.submission_id and warnings.sheet = rows.sheet and warnings.row_no = rows.row_no
where rows.file_status in ('accepted', 'flagged')
