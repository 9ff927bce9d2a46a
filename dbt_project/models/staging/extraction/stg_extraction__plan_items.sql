-- Tasks (Appendix I) and units/items (Appendix II) as printed, with a readable surrogate key and
-- the implementation period's years (the extraction's parse, else the first "YYYY - YYYY" in the text).
with source as (
    select * from {{ source('extraction', 'plan_items') }}
),

renamed as (
    select
        document_id,
        {{ normalise_appendix('appendix') }} as appendix,
        item_level,
        group_code,
        trim(item_no) as item_no,
        nullif(trim(parent_item_no), '') as parent_item_no,
        name as item_name,
        period_text,
        coalesce(period_start_year, {{ period_start_from_text('period_text') }}) as period_start_year,
        coalesce(period_end_year, {{ period_end_from_text('period_text') }}) as period_end_year,
        deadline_date,
        deadline_text,
        milestone_date,
        milestone_text,
        frequency_text,
        {{ money('state_budget_mvnd') }} as state_budget_mvnd,
        state_budget_status,
        state_budget_text,
        {{ money('other_budget_mvnd') }} as other_budget_mvnd,
        other_budget_status,
        other_budget_text,
        {{ money('budget_2025_mvnd') }} as budget_2025_mvnd,
        budget_2025_status,
        {{ money('budget_2026_2030_mvnd') }} as budget_2026_2030_mvnd,
        budget_2026_2030_status,
        {{ money('total_mvnd') }} as total_mvnd,
        total_status,
        nullif(trim(note), '') as note,
        lead_agency as lead_agency_text,
        cooperating_agencies as cooperating_agencies_text,
        sequence,
        source_locator
    from source
)

select
    {{ task_key('document_id', 'appendix', 'item_no') }} as task_key,
    case
        when parent_item_no is not null then {{ task_key('document_id', 'appendix', 'parent_item_no') }}
    end as parent_task_key,
    case
        when group_code is not null then document_id || ':' || appendix || ':' || group_code
    end as group_key,
    *
from renamed
