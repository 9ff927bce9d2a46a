-- Baseline observations (hiện trạng) parsed from the KPI roadmap's baseline column.
select
    baselines.document_id,
    indicators.indicator_code,
    baselines.indicator_no,
    baselines.year,
    baselines.period_start,
    baselines.period_end,
    baselines.observed_value,
    coalesce(baselines.unit, indicators.unit) as unit,
    baselines.rank,
    baselines.rank_of,
    baselines.is_approximate,
    baselines.value_status,
    baselines.baseline_text,
    baselines.source_locator
from {{ ref('stg_extraction__kpi_baselines') }} as baselines
left join {{ ref('ref_indicator') }} as indicators on indicators.indicator_no = baselines.indicator_no
