{#- Appendix labels as the warehouse uses them: 'I' / 'II' ("Phụ lục 2" prints an Arabic numeral). -#}
{% macro normalise_appendix(column) -%}
    case trim({{ column }}) when '1' then 'I' when '2' then 'II' else upper(trim({{ column }})) end
{%- endmacro %}

{#- Readable surrogate key of a task / unit / item: '<document_id>:<appendix>:<item_no>'. -#}
{% macro task_key(document_id, appendix, item_no) -%}
    ({{ document_id }} || ':' || {{ appendix }} || ':' || {{ item_no }})
{%- endmacro %}

{#- First and last year of the first 'YYYY - YYYY' period in a text (en dash, hyphen, spaces). -#}
{% macro period_start_from_text(column) -%}
    try_cast(nullif(regexp_extract({{ column }}, '(20[0-9]{2})\s*[-–—]\s*(20[0-9]{2})', 1), '') as integer)
{%- endmacro %}
{% macro period_end_from_text(column) -%}
    try_cast(nullif(regexp_extract({{ column }}, '(20[0-9]{2})\s*[-–—]\s*(20[0-9]{2})', 2), '') as integer)
{%- endmacro %}

{#- Exact money type: million VND with three decimals (never DOUBLE). -#}
{% macro money(expression) -%}
    cast({{ expression }} as decimal(18, 3))
{%- endmacro %}
