-- The plan years 2025…2030 (the Đề án's period, "giai đoạn 2025 - 2030").
select
    year,
    year = {{ var('plan_first_year') }} as is_first_plan_year,
    year = {{ var('plan_last_year') }} as is_last_plan_year,
    make_date(year, 1, 1) as year_start_date,
    make_date(year, 12, 31) as year_end_date
from (
    select unnest(generate_series({{ var('plan_first_year') }}, {{ var('plan_last_year') }})) as year
)
