-- Tasks at risk as of the as_of_date() macro's date (a view: today in Vietnam when read, unless the reader
-- sets nq57_as_of): a deadline passed or within 90 days without a current
-- 'done' report; or planned money in the report year and no progress report for that year. The report
-- year is the year of the latest quarter whose report is past its deadline (rpt_submission_status's
-- quarters and deadlines): from 16/04 the current year (its Q1 report is late), from 01/01 to 15/04 still
-- the year before. Before, "this year" turned with the calendar: every such risk of 2026 vanished on
-- 01/01/2027 (35 tasks listed on 31/12/2026, none on 01/01) and 90 appeared at once on 16/04, though
-- nothing had been reported in between. Deadline: the printed completion date, else the end of the
-- task's period ("deadline_basis" says which). A task's latest report is its department's own when
-- there is one: a sample never speaks for a real report.
{{ config(materialized='view') }}
{% set as_of = as_of_date() %}
with tasks as (
    select
        task_key, appendix, item_no, item_level, task_name, lead_agency_code, sector_code,
        -- dim_task's definition: the printed deadline, else the end of the period; Appendix 2's contents
        -- print neither ('no_deadline_printed', said rather than a NULL without a reason).
        effective_deadline_date as effective_deadline,
        deadline_basis
    from {{ ref('dim_task') }}
    where item_level in ('task', 'item')
),

latest_progress as (
    -- The versions in force on the as-of date, not today's: a 'done' reported in July does not
    -- clear a task that was overdue in March.
    select *
    from {{ ref('fct_task_progress') }}
    where {{ in_force_on(as_of, 'valid_from', 'valid_to') }}
    qualify row_number() over (
        partition by appendix, item_no order by is_sample, year desc, quarter desc, valid_from desc
    ) = 1
),

plan_this_year as (
    select task_key, sum(amount_mvnd) as planned_mvnd
    from {{ ref('fct_budget_plan') }}
    where year = year({{ as_of }})
    group by all
),

report_year as (
    -- NULL before the first expected report is due (var submission_first_period): nothing to be behind on.
    select max(year) as year
    from (
        select year, year || '-Q' || quarter as period,
            (make_date(year, quarter * 3, 1) + interval 1 month - interval 1 day
                + to_days({{ var('submission_deadline_days', 15) }}))::date as deadline_date
        from (select unnest(generate_series({{ var('plan_first_year') }}, {{ var('plan_last_year') }})) as year),
            (select unnest(generate_series(1, 4)) as quarter)
    )
    where period >= '{{ var('submission_first_period', '2025-Q4') }}' and deadline_date < {{ as_of }}
),

plan_report_year as (
    select task_key, sum(amount_mvnd) as planned_mvnd
    from {{ ref('fct_budget_plan') }}
    where year = (select year from report_year)
    group by all
),

assessed as (
    select
        tasks.*,
        {{ money("plan_this_year.planned_mvnd") }} as planned_this_year_mvnd,
        (select year from report_year) as report_year,
        {{ money("plan_report_year.planned_mvnd") }} as planned_report_year_mvnd,
        latest_progress.period as latest_report_period,
        latest_progress.status_code as latest_status,
        latest_progress.percent_complete as latest_percent_complete,
        latest_progress.file_name as latest_report_file,
        -- No progress report: nothing here rests on sample data (NULL would drop these tasks from
        -- an analyst's `where not is_sample`).
        coalesce(latest_progress.is_sample, false) as is_sample,
        date_diff('day', {{ as_of }}, tasks.effective_deadline) as days_to_deadline,
        case
            when tasks.effective_deadline < {{ as_of }} and coalesce(latest_progress.status_code, '') <> 'done'
                then 'deadline_passed_not_done'
            when tasks.effective_deadline <= {{ as_of }} + interval 90 day
                and coalesce(latest_progress.status_code, '') <> 'done'
                then 'deadline_within_90_days_not_done'
            when plan_report_year.planned_mvnd > 0
                and (latest_progress.year is null or latest_progress.year < (select year from report_year))
                then 'money_but_no_report_this_year'
        end as risk_reason
    from tasks
    left join latest_progress on latest_progress.appendix = tasks.appendix and latest_progress.item_no = tasks.item_no
    left join plan_this_year on plan_this_year.task_key = tasks.task_key
    left join plan_report_year on plan_report_year.task_key = tasks.task_key
)

select {{ as_of }} as as_of_date, * from assessed where risk_reason is not null
