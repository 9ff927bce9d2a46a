-- Planned money: task × year × funding source (× the task's sector), million VND, exact.
-- Appendix I amounts and Appendix II items; see int_budget_plan__year_split for the split rule.
select
    split.budget_line_key || ':' || split.year as budget_plan_key,
    split.budget_line_key,
    split.task_key,
    split.document_id,
    tasks.appendix,
    tasks.item_no,
    -- The task's group (Appendix I): group totals without a join through dim_task. NULL for
    -- Appendix II's items, which belong to a unit, not to a group (parent_task_key in dim_task).
    tasks.group_key,
    split.year,
    split.funding_source_code,
    funding.is_state_budget,
    tasks.sector_code,
    tasks.pillar_code,
    tasks.lead_agency_code,
    split.amount_mvnd,
    split.allocation_method,
    split.source_column,
    split.line_amount_mvnd as stated_amount_mvnd,
    split.split_start_year,
    split.split_end_year,
    split.years_in_split,
    split.funding_source_basis,
    split.source_locator
from {{ ref('int_budget_plan__year_split') }} as split
inner join {{ ref('dim_task') }} as tasks on tasks.task_key = split.task_key
left join {{ ref('ref_funding_source') }} as funding
    on funding.funding_source_code = split.funding_source_code
