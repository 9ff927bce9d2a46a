{#- Where the rows of a sum are, in an aggregate over rows with source_locator and sequence: each
    of them (in document order) when there are at most `listed` rows, else the first and the last. -#}
{% macro rows_locator(listed=12) -%}
    case when count(*) <= {{ listed }}
        then string_agg(source_locator, '; ' order by sequence)
        else arg_min(source_locator, sequence) || ' … ' || arg_max(source_locator, sequence)
    end
{%- endmacro %}
