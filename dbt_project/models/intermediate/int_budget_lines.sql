-- One row per printed amount that becomes planned money: the amount, its funding source and the
-- years it covers. Appendix I: the NSNN and "Nguồn khác" cells of every task, over the task's
-- implementation period clamped to the plan years (no parsable period → all plan years).
-- Appendix II: the 2025 column (stated for 2025) and the 2026–2030 column of every item (unit rows
-- only when a unit has no items, so nothing is counted twice). A '-' (to be determined) or empty cell
-- is not an amount and yields no line.
{% set first_year = var('plan_first_year') %}
{% set last_year = var('plan_last_year') %}

with items as (
    select * from {{ ref('stg_extraction__plan_items') }}
),

other_funding as (
    select * from {{ ref('int_plan_items__other_funding') }}
),

appendix_ii_column_period as (
    select
        document_id,
        min(column_period_start) as column_period_start,
        max(column_period_end) as column_period_end
    from {{ ref('stg_extraction__plan_tables') }}
    where appendix = 'II'
    group by document_id
),

appendix_i_tasks as (
    select
        *,
        greatest(period_start_year, {{ first_year }}) as clamped_start,
        least(period_end_year, {{ last_year }}) as clamped_end,
        (
            period_start_year is not null
            and period_end_year is not null
            and greatest(period_start_year, {{ first_year }}) <= least(period_end_year, {{ last_year }})
        ) as has_period
    from items
    where appendix = 'I' and item_level = 'task'
),

appendix_i_lines as (
    select
        task_key,
        document_id,
        'NSNN' as funding_source_code,
        'state_budget' as source_column,
        state_budget_mvnd as amount_mvnd,
        case when has_period then clamped_start else {{ first_year }} end as split_start_year,
        case when has_period then clamped_end else {{ last_year }} end as split_end_year,
        case when has_period then 'even_split' else 'even_split_default_period' end as allocation_method,
        'rule: column "Dự kiến kinh phí thực hiện (NSNN)" → NSNN' as funding_source_basis,
        source_locator
    from appendix_i_tasks
    where state_budget_status = 'stated' and state_budget_mvnd is not null

    union all

    select
        tasks.task_key,
        tasks.document_id,
        other_funding.funding_source_code,
        'other_budget' as source_column,
        tasks.other_budget_mvnd as amount_mvnd,
        case when tasks.has_period then tasks.clamped_start else {{ first_year }} end,
        case when tasks.has_period then tasks.clamped_end else {{ last_year }} end,
        case when tasks.has_period then 'even_split' else 'even_split_default_period' end,
        other_funding.funding_source_basis,
        tasks.source_locator
    from appendix_i_tasks as tasks
    inner join other_funding on other_funding.task_key = tasks.task_key
    where tasks.other_budget_mvnd is not null
),

appendix_ii_amount_rows as (
    select items.*
    from items
    where items.appendix = 'II'
      and (
          items.item_level = 'item'
          or (
              items.item_level = 'unit'
              and not exists (
                  select 1 from items as children
                  where children.parent_task_key = items.task_key
              )
          )
      )
),

appendix_ii_lines as (
    select
        task_key,
        document_id,
        'NSNN' as funding_source_code,
        'budget_2025' as source_column,
        budget_2025_mvnd as amount_mvnd,
        2025 as split_start_year,
        2025 as split_end_year,
        'stated' as allocation_method,
        'document: Part IV counts the party agencies'' digital transformation within the state budget' as funding_source_basis,
        source_locator
    from appendix_ii_amount_rows
    where budget_2025_status = 'stated' and budget_2025_mvnd is not null

    union all

    select
        rows.task_key,
        rows.document_id,
        'NSNN',
        'budget_2026_2030',
        rows.budget_2026_2030_mvnd,
        greatest(coalesce(period.column_period_start, 2026), {{ first_year }}),
        least(coalesce(period.column_period_end, 2030), {{ last_year }}),
        'even_split',
        'document: Part IV counts the party agencies'' digital transformation within the state budget',
        rows.source_locator
    from appendix_ii_amount_rows as rows
    left join appendix_ii_column_period as period on period.document_id = rows.document_id
    where rows.budget_2026_2030_status = 'stated' and rows.budget_2026_2030_mvnd is not null
),

lines as (
    select * from appendix_i_lines
    union all
    select * from appendix_ii_lines
)

select
    task_key || ':' || funding_source_code || ':' || source_column as budget_line_key,
    *,
    split_end_year - split_start_year + 1 as years_in_split
from lines
