-- Disbursed vs allocated vs plan, by agency, sector, funding source and year, as known on the as-of date (the
-- as_of_date() macro: today in Vietnam when read, unless the reader sets nq57_as_of). Reported figures:
-- for each task and funding source, the latest quarter of the year among the versions in force that
-- day (cumulative disbursement, allocation); a resubmission received later is not known yet. Plan:
-- fct_budget_plan for the tasks the agency leads (the year split rule), of the same funding source:
-- state budget and other sources (private, enterprise funds) are disbursed by different people at
-- different paces, so a rate over both would describe neither. Rates are NULL when the denominator
-- is missing or zero (unknown is not 0 %). Sample files and departments' own reports are apart (is_sample
-- is part of the row's key): a real Q1 never takes a sample's Q2 as its latest quarter, nor is summed with it.
{{ config(materialized='view') }}
{% set as_of = as_of_date() %}
with latest as (
    select *
    from {{ ref('fct_budget_execution') }}
    where {{ in_force_on(as_of, 'valid_from', 'valid_to') }}
    qualify row_number() over (
        partition by agency_code, appendix, item_no, funding_source_code, year, is_sample order by quarter desc
    ) = 1
),

reported as (
    select
        agency_code,
        coalesce(sector_code, 'UNKNOWN') as sector_code,
        funding_source_code,
        year,
        is_sample,
        max(period) as latest_period,
        -- Tasks reported up to different quarters are summed in one row: said, not hidden.
        min(period) as earliest_period,
        -- Only lines that give both figures: sum() skips a blank cell, so a line with an allocation and a
        -- blank disbursement counted as disbursing nothing (unknown taken as 0) and the rate was the
        -- disbursement of some lines over the allocation of others. The lines left out are counted.
        sum(allocated_mvnd) filter (where disbursed_cumulative_mvnd is not null) as allocated_mvnd,
        sum(disbursed_cumulative_mvnd) filter (where allocated_mvnd is not null) as disbursed_mvnd,
        count(*) filter (where allocated_mvnd is null or disbursed_cumulative_mvnd is null)
            as lines_missing_a_figure,
        count(*) as reported_lines,
        count(*) filter (where row_has_warning) as reported_lines_with_warning
    from latest
    group by all
),

plan as (
    select lead_agency_code as agency_code, sector_code, funding_source_code, year, sum(amount_mvnd) as plan_mvnd
    from {{ ref('fct_budget_plan') }}
    group by all
)

select
    {{ as_of }} as as_of_date,
    reported.agency_code,
    reported.sector_code,
    reported.funding_source_code,
    funding.is_state_budget,
    reported.year,
    reported.latest_period,
    reported.earliest_period,
    {{ money('reported.allocated_mvnd') }} as allocated_mvnd,
    {{ money('reported.disbursed_mvnd') }} as disbursed_mvnd,
    {{ money('plan.plan_mvnd') }} as plan_mvnd,
    case when reported.allocated_mvnd > 0
        then cast(round(reported.disbursed_mvnd * 100 / reported.allocated_mvnd, 2) as decimal(9, 2)) end
        as disbursement_rate_pct,
    case when plan.plan_mvnd > 0
        then cast(round(reported.allocated_mvnd * 100 / plan.plan_mvnd, 2) as decimal(9, 2)) end
        as allocation_vs_plan_pct,
    case when plan.plan_mvnd > 0
        then cast(round(reported.disbursed_mvnd * 100 / plan.plan_mvnd, 2) as decimal(9, 2)) end
        as disbursed_vs_plan_pct,
    reported.reported_lines,
    reported.lines_missing_a_figure,
    reported.reported_lines_with_warning,
    reported.is_sample
from reported
left join plan
    on plan.agency_code = reported.agency_code
    and plan.sector_code = reported.sector_code
    and plan.funding_source_code = reported.funding_source_code
    and plan.year = reported.year
left join {{ ref('dim_funding_source') }} as funding
    on funding.funding_source_code = reported.funding_source_code
