{#- For every key, the sum of column_name in this model equals `to_column` of the one row with the same
    key in `to` (exactly; a key missing on either side fails). Used to prove a split loses nothing. -#}
{% test sums_to(model, column_name, to, to_column, key) %}
with parts as (
    select {{ key }} as key, sum({{ column_name }}) as total
    from {{ model }}
    group by {{ key }}
),

wholes as (
    select {{ key }} as key, {{ to_column }} as total
    from {{ to }}
)

select
    coalesce(parts.key, wholes.key) as key,
    parts.total as sum_of_parts,
    wholes.total as stated_whole
from parts
full outer join wholes on wholes.key = parts.key
where parts.total is distinct from wholes.total
{% endtest %}
