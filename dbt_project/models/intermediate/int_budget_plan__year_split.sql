-- THE YEAR SPLIT RULE (shared with the submissions engineer; docs in the model yml):
-- a line covering n years is split into n parts. Parts are whole million VND when the amount is
-- whole (else units of 0.001 million): each year gets floor(A / n) units, and the remainder
-- (A mod n units) adds one unit to each of the earliest years, so the parts sum exactly to A.
-- A line stated for one year (Appendix II 2025) is that year's amount, allocation 'stated'.
with lines as (
    select * from {{ ref('int_budget_lines') }}
),

units as (
    select
        * rename (amount_mvnd as line_amount_mvnd),
        -- the amount in thousandths of a million VND (exact: amounts are decimal(18,3))
        cast(line_amount_mvnd * 1000 as bigint) as amount_milli,
        case when line_amount_mvnd = trunc(line_amount_mvnd) then 1000 else 1 end as step_milli
    from lines
),

shares as (
    select
        *,
        (amount_milli // step_milli) // years_in_split as base_steps,
        (amount_milli // step_milli) % years_in_split as remainder_steps
    from units
),

years as (
    select
        shares.*,
        year.year,
        year.year - shares.split_start_year as year_index
    from shares
    inner join (select unnest(generate_series({{ var('plan_first_year') }}, {{ var('plan_last_year') }})) as year) as year
        on year.year between shares.split_start_year and shares.split_end_year
)

select
    budget_line_key,
    task_key,
    document_id,
    funding_source_code,
    source_column,
    year,
    -- multiply (exact decimal), never divide (DuckDB divides decimals as DOUBLE)
    {{ money('cast((base_steps + case when year_index < remainder_steps then 1 else 0 end) * step_milli as decimal(18, 0)) * 0.001') }} as amount_mvnd,
    line_amount_mvnd,
    split_start_year,
    split_end_year,
    years_in_split,
    allocation_method,
    funding_source_basis,
    source_locator
from years
