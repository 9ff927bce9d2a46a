-- Every Appendix I task and every Appendix II unit / item, with its classification and where each
-- value came from, its period and deadline, its amounts as printed and its budget status.
with items as (
    select * from {{ ref('int_plan_items__classified') }}
),

groups as (
    select * from {{ ref('stg_extraction__plan_groups') }}
),

other_funding as (
    select * from {{ ref('int_plan_items__other_funding') }}
)

select
    items.task_key,
    items.document_id,
    items.appendix,
    items.item_level,
    items.item_no,
    items.parent_item_no,
    items.parent_task_key,
    items.sequence,
    items.group_key,
    items.group_code,
    groups.group_name,
    groups.group_kind,
    items.item_name as task_name,
    items.pillar_code,
    pillars.pillar_name_vi,
    pillars.pillar_name_en,
    items.sector_code,
    sectors.sector_name_vi,
    sectors.sector_name_en,
    items.lead_agency_code,
    agencies.agency_name as lead_agency_name,
    agencies.agency_name_en as lead_agency_name_en,
    items.pillar_source,
    items.sector_source,
    items.lead_agency_source,
    items.classification_needs_review,
    items.classification_review_note,
    items.lead_agency_text,
    items.cooperating_agencies_text,
    items.period_text,
    items.period_start_year,
    items.period_end_year,
    items.deadline_date,
    -- The date a task is judged by, defined once (rpt_task_risk and the briefing read it): the printed
    -- deadline, else the last day of its period; Appendix 2's contents print neither.
    coalesce(
        items.deadline_date,
        case when items.period_end_year is not null then make_date(items.period_end_year, 12, 31) end
    ) as effective_deadline_date,
    case
        when items.deadline_date is not null then 'printed_deadline'
        when items.period_end_year is not null then 'end_of_period'
        else 'no_deadline_printed'
    end as deadline_basis,
    items.deadline_text,
    items.milestone_date,
    items.milestone_text,
    items.frequency_text,
    case
        when items.state_budget_status = 'to_be_determined'
            or items.other_budget_status = 'to_be_determined'
            or items.total_status = 'to_be_determined'
            then 'to_be_determined'
        when items.state_budget_status = 'stated'
            or items.other_budget_status = 'stated'
            or items.budget_2025_status = 'stated'
            or items.budget_2026_2030_status = 'stated'
            or items.total_status = 'stated'
            then 'stated'
        else 'no_amount'
    end as budget_status,
    items.state_budget_mvnd,
    -- A status is NULL only where the cell was never read; a column the row's appendix does not have
    -- (Appendix I has no 2025/2026–2030/total columns, Appendix 2 no NSNN/other-source columns) says so.
    case when items.appendix = 'II' then coalesce(items.state_budget_status, 'not_in_appendix')
        else items.state_budget_status end as state_budget_status,
    items.state_budget_text,
    items.other_budget_mvnd,
    case when items.appendix = 'II' then coalesce(items.other_budget_status, 'not_in_appendix')
        else items.other_budget_status end as other_budget_status,
    items.other_budget_text,
    other_funding.funding_source_code as other_funding_source_code,
    other_funding.funding_source_basis as other_funding_source_basis,
    items.budget_2025_mvnd,
    case when items.appendix = 'I' then coalesce(items.budget_2025_status, 'not_in_appendix')
        else items.budget_2025_status end as budget_2025_status,
    items.budget_2026_2030_mvnd,
    case when items.appendix = 'I' then coalesce(items.budget_2026_2030_status, 'not_in_appendix')
        else items.budget_2026_2030_status end as budget_2026_2030_status,
    items.total_mvnd,
    case when items.appendix = 'I' then coalesce(items.total_status, 'not_in_appendix')
        else items.total_status end as total_status,
    items.note,
    items.source_locator
from items
left join groups on groups.group_key = items.group_key
left join {{ ref('ref_pillar') }} as pillars on pillars.pillar_code = items.pillar_code
left join {{ ref('ref_sector') }} as sectors on sectors.sector_code = items.sector_code
left join {{ ref('ref_agency') }} as agencies on agencies.agency_code = items.lead_agency_code
left join other_funding on other_funding.task_key = items.task_key
