{#- A curated mapping value says where it came from: 'document: <quote/locator>', 'rule: <rule>' or
    'curated' (a person's judgement, flagged for review). -#}
{% test provenance(model, column_name) %}
select *
from {{ model }}
where {{ column_name }} is null
   or not (
       {{ column_name }} = 'curated'
       or {{ column_name }} like 'document: _%'
       or {{ column_name }} like 'rule: _%'
   )
{% endtest %}
