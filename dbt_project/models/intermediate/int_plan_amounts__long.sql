-- Every printed amount cell of Appendix I and II, one row per cell, with the measure names the
-- stated totals use ('state_budget', 'other_sources', 'budget_2025', 'budget_2026_2030', 'total').
with items as (
    select * from {{ ref('stg_extraction__plan_items') }}
)

{% set cells = [
    ('state_budget', 'state_budget_mvnd', 'state_budget_status'),
    ('other_sources', 'other_budget_mvnd', 'other_budget_status'),
    ('budget_2025', 'budget_2025_mvnd', 'budget_2025_status'),
    ('budget_2026_2030', 'budget_2026_2030_mvnd', 'budget_2026_2030_status'),
    ('total', 'total_mvnd', 'total_status'),
] %}
{% for measure, amount, status in cells %}
select
    task_key,
    document_id,
    appendix,
    item_level,
    item_no,
    parent_item_no,
    sequence,
    '{{ measure }}' as measure,
    {{ amount }} as amount_mvnd,
    {{ status }} as amount_status,
    source_locator
from items
where {{ status }} is not null
{% if not loop.last %}union all{% endif %}
{% endfor %}
