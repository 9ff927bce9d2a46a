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
    rows.row_no
from {{ ref('stg_submissions__kpi_rows') }} as rows
left join {{ ref('ref_indicator') }} as indicators on indicators.indicator_code = rows.indicator_code
where rows.file_status in ('accepted', 'flagged')
