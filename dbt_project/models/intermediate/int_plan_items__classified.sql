-- Every task / unit / item with its curated classification (pillar, sector, lead agency) and
-- where each value came from. Items without a mapping row keep NULL codes (a test fails on them).
with items as (
    select * from {{ ref('stg_extraction__plan_items') }}
),

mapping as (
    select * from {{ ref('map_task_classification') }}
)

select
    items.*,
    mapping.pillar_code,
    mapping.sector_code,
    mapping.lead_agency_code,
    mapping.pillar_source,
    mapping.sector_source,
    mapping.lead_agency_source,
    mapping.review_note as classification_review_note,
    (
        mapping.pillar_source = 'curated'
        or mapping.sector_source = 'curated'
        or mapping.lead_agency_source = 'curated'
    ) as classification_needs_review
from items
left join mapping
    on mapping.appendix = items.appendix
    and mapping.item_no = items.item_no
