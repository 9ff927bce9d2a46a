-- KPI roadmap targets (Part III.V): indicator × year (or period), as printed and as a value.
select
    targets.document_id || ':' || targets.indicator_no || ':' || targets.column_label as kpi_target_key,
    targets.document_id,
    indicators.indicator_code,
    targets.indicator_no,
    targets.column_label,
    targets.year,
    targets.period_start,
    targets.period_end,
    targets.target_text,
    targets.comparator,
    -- rule: a bare number on a roadmap is a floor when higher is better, a ceiling for a rank
    case
        when targets.target_value is null then null
        when targets.comparator is null or targets.comparator = '=' then
            case indicators.direction when 'higher_is_better' then '>=' when 'lower_is_better' then '<=' end
        else targets.comparator
    end as implied_comparator,
    targets.target_value,
    coalesce(targets.unit, indicators.unit) as unit,
    indicators.direction,
    targets.value_status,
    targets.source_locator
from {{ ref('stg_extraction__kpi_targets') }} as targets
left join {{ ref('ref_indicator') }} as indicators on indicators.indicator_no = targets.indicator_no
