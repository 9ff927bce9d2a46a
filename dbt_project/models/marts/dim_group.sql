-- Appendix I groups with their task counts and amounts, and the content count Part III.VII states.
with groups as (
    select * from {{ ref('stg_extraction__plan_groups') }}
),

tasks as (
    select
        group_key,
        count(*) as task_count,
        min(try_cast(item_no as integer)) as first_task_no,
        max(try_cast(item_no as integer)) as last_task_no,
        sum(state_budget_mvnd) as state_budget_mvnd,
        sum(other_budget_mvnd) as other_budget_mvnd,
        count(*) filter (where state_budget_status = 'to_be_determined') as tasks_to_be_determined
    from {{ ref('stg_extraction__plan_items') }}
    where item_level = 'task'
    group by group_key
),

counts as (
    select
        document_id,
        appendix_group_code,
        min(section_no) as section_no,
        min(section_title) as section_title,
        min(stated_count) as stated_content_count,
        min(count_text) as content_count_text,
        min(source_locator) as content_count_locator
    from {{ ref('stg_extraction__content_counts') }}
    where appendix_group_code is not null
    group by document_id, appendix_group_code
)

select
    groups.group_key,
    groups.document_id,
    groups.appendix,
    groups.group_code,
    groups.group_kind,
    case groups.group_kind
        when 'nhiệm vụ' then 'task group'
        when 'giải pháp' then 'solution group'
    end as group_kind_en,
    groups.group_name,
    groups.sequence,
    coalesce(tasks.task_count, 0) as task_count,
    tasks.first_task_no,
    tasks.last_task_no,
    {{ money('coalesce(tasks.state_budget_mvnd, 0)') }} as state_budget_mvnd,
    {{ money('coalesce(tasks.other_budget_mvnd, 0)') }} as other_budget_mvnd,
    coalesce(tasks.tasks_to_be_determined, 0) as tasks_to_be_determined,
    counts.section_no as part_iii_section_no,
    counts.section_title as part_iii_section_title,
    counts.stated_content_count,
    counts.content_count_text,
    counts.content_count_locator,
    groups.source_locator
from groups
left join tasks on tasks.group_key = groups.group_key
left join counts
    on counts.document_id = groups.document_id
    and counts.appendix_group_code = groups.group_code
