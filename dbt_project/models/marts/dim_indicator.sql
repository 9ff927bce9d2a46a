-- The KPI roadmap's indicators (Part III.V): curated metadata joined to the name as printed.
with printed as (
    select indicator_no, min(indicator_name) as name_as_printed
    from {{ ref('stg_extraction__kpi_targets') }}
    group by indicator_no
)

select
    ref.indicator_code,
    ref.indicator_no,
    ref.name_vi,
    ref.name_en,
    printed.name_as_printed,
    ref.unit,
    ref.direction,
    case ref.direction when 'higher_is_better' then '>=' when 'lower_is_better' then '<=' end
        as default_comparator,
    ref.valid_min,
    ref.valid_max,
    ref.source
from {{ ref('ref_indicator') }} as ref
left join printed on printed.indicator_no = ref.indicator_no
