{{ config(severity='warn', meta={'dagster': {'ref': {'name': 'map_task_classification'}}}) }}
-- Every extracted task / unit / item has a row in map_task_classification and every mapping row
-- names an extracted item (a mapping row without an item usually means the numbering changed).
-- Shown in Dagster as a check on the mapping seed (it reads two nodes: dagster-dbt needs telling).
with items as (
    select appendix, item_no from {{ ref('stg_extraction__plan_items') }}
),

mapping as (
    select appendix, item_no from {{ ref('map_task_classification') }}
)

select 'item without a mapping row' as problem, items.appendix, items.item_no
from items
left join mapping using (appendix, item_no)
where mapping.item_no is null
union all
select 'mapping row without an extracted item', mapping.appendix, mapping.item_no
from mapping
left join items using (appendix, item_no)
where items.item_no is null
  and exists (select 1 from items)
