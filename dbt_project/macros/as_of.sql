{#- The date the date-dependent reports are "as of".
    - dbt var as_of_date (a build pinned to a date, for tests and re-runs of history), else
    - the DuckDB variable nq57_as_of, which a reader sets for its session
      (`SET VARIABLE nq57_as_of = DATE '2026-03-01'`; `connect_readonly(as_of=...)` does it), else
    - today in Vietnam, whatever time zone the machine or the session runs in (a server on UTC
      at 02:00 in Hà Nội is still on yesterday's date).
    A value set that is no date ('16/01/2027', 2027) is an error naming it: it was read as unset, so
    the views silently answered for today under a query the analyst believed was for another day. A
    TIMESTAMPTZ (`= now()`) is taken as its day in Vietnam, not in the session's time zone (UTC on a
    server: before 07:00 in Hà Nội, yesterday).
    Models using it are views, so the published warehouse is never "as of" the night it was built. -#}
{% macro as_of_date() -%}
    {%- if var('as_of_date', none) -%}
        cast('{{ var("as_of_date") }}' as date)
    {%- else -%}
        (case
            when getvariable('nq57_as_of') is null then {{ vn_date('now()') }}
            when typeof(getvariable('nq57_as_of')) = 'TIMESTAMP WITH TIME ZONE'
                then {{ vn_date("try_cast(getvariable('nq57_as_of') as timestamptz)") }}
            when try_cast(getvariable('nq57_as_of') as date) is not null
                then try_cast(getvariable('nq57_as_of') as date)
            else error(
                'nq57_as_of phải là một ngày, ví dụ SET VARIABLE nq57_as_of = DATE ''2027-01-15''; giá trị '
                || 'đang đặt: ' || getvariable('nq57_as_of')::varchar
                || ' (nq57_as_of must be a date; unset it with RESET VARIABLE nq57_as_of for today)')
        end)
    {%- endif -%}
{%- endmacro %}

{#- The calendar day in Vietnam of a timestamp with time zone. A plain cast to date uses the
    session's time zone: a file received at 00:30 in Hà Nội is still "yesterday" on a UTC session. -#}
{% macro vn_date(ts) -%}
    cast(timezone('Asia/Ho_Chi_Minh', {{ ts }}) as date)
{%- endmacro %}

{#- True for a row that was in force on the as-of date: received (valid_from) on or before that day
    and not yet replaced by a later version (valid_to) by the end of it; days in Vietnam time.
    What an analyst would have seen had they opened the warehouse that evening. -#}
{% macro in_force_on(as_of, valid_from, valid_to) -%}
    ({{ vn_date(valid_from) }} <= {{ as_of }}
     and ({{ valid_to }} is null or {{ vn_date(valid_to) }} > {{ as_of }}))
{%- endmacro %}

{#- True for a file received on or before the as-of date (Vietnam time). -#}
{% macro received_by(as_of, received_at) -%}
    ({{ vn_date(received_at) }} <= {{ as_of }})
{%- endmacro %}
