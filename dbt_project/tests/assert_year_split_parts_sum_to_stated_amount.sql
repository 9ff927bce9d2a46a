{{ config(meta={'dagster': {'ref': {'name': 'fct_budget_plan'}}}) }}
-- A check on fct_budget_plan in Dagster (the test reads two models: dagster-dbt needs telling which).
-- The year split never loses or invents money: for every printed amount the parts over the years
-- add up to it exactly, and every line has one part for each of its years.
select
    lines.budget_line_key,
    lines.amount_mvnd as stated_amount_mvnd,
    sum(plan.amount_mvnd) as sum_of_parts,
    lines.years_in_split,
    count(plan.year) as parts
from {{ ref('int_budget_lines') }} as lines
left join {{ ref('fct_budget_plan') }} as plan on plan.budget_line_key = lines.budget_line_key
group by lines.budget_line_key, lines.amount_mvnd, lines.years_in_split
having sum(plan.amount_mvnd) is distinct from lines.amount_mvnd
    or count(plan.year) <> lines.years_in_split
