{{ config(meta={'dagster': {'ref': {'name': 'fct_budget_plan'}}}) }}
-- A check on fct_budget_plan in Dagster (the test reads two models: dagster-dbt needs telling which).
-- A '-' in the amount column means "to be determined", never zero: such a task has no planned
-- money in fct_budget_plan for that column (it stays visible through dim_task.budget_status).
select plan.*
from {{ ref('fct_budget_plan') }} as plan
inner join {{ ref('dim_task') }} as tasks on tasks.task_key = plan.task_key
where (plan.source_column = 'state_budget' and tasks.state_budget_status = 'to_be_determined')
   or (plan.source_column = 'other_budget' and tasks.other_budget_status = 'to_be_determined')
