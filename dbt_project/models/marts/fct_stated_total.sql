-- Every figure the document states about other figures (Appendix I/II total rows, Appendix II unit
-- rows, Part IV amounts) next to what its rows add up to, with the differences explicit.
-- rows_sum: the rows the figure directly totals (Appendix I: tasks; Appendix II total row: units;
-- a unit row: its items). items_sum: the finest printed rows of the same scope (Appendix II items).
-- Part IV: state_budget = Appendix I NSNN rows + Appendix II items; party_digital_transformation =
-- Appendix II items; other_sources = Appendix I other-source rows; total = all of these.
with totals as (
    select * from {{ ref('stg_extraction__stated_totals') }}
),

amounts as (
    select * from {{ ref('int_plan_amounts__long') }}
    where amount_status = 'stated'
),

-- Where the rows a sum adds up are: each of them when they are few enough to read (the four
-- Appendix I tasks with other sources), else the first and the last (the 81 with state budget).
sums as (
    -- Appendix I tasks per measure
    select document_id, 'appendix_I' as scope, measure,
        sum(amount_mvnd) as rows_sum_mvnd, sum(amount_mvnd) as items_sum_mvnd,
        count(*) as row_count,
        {{ rows_locator() }} as rows_locator,
        count(*) as items_count,
        {{ rows_locator() }} as items_locator
    from amounts where appendix = 'I' and item_level = 'task'
    group by document_id, measure

    union all

    -- Appendix II total row: the units; and all items
    select u.document_id, 'appendix_II', u.measure, u.rows_sum_mvnd, i.items_sum_mvnd, u.row_count, u.rows_locator,
        i.items_count, i.items_locator
    from (
        select document_id, measure, sum(amount_mvnd) as rows_sum_mvnd, count(*) as row_count,
            {{ rows_locator() }} as rows_locator
        from amounts where appendix = 'II' and item_level = 'unit'
        group by document_id, measure
    ) as u
    left join (
        select document_id, measure, sum(amount_mvnd) as items_sum_mvnd, count(*) as items_count,
            {{ rows_locator() }} as items_locator
        from amounts where appendix = 'II' and item_level = 'item'
        group by document_id, measure
    ) as i on i.document_id = u.document_id and i.measure = u.measure

    union all

    -- each Appendix II unit row: its items
    select document_id, 'appendix_II.unit.' || parent_item_no, measure,
        sum(amount_mvnd), sum(amount_mvnd), count(*), {{ rows_locator() }}, count(*), {{ rows_locator() }}
    from amounts where appendix = 'II' and item_level = 'item'
    group by document_id, parent_item_no, measure
),

part_iv as (
    select
        document_id,
        'part_IV' as scope,
        measure,
        case measure
            when 'state_budget' then a1_state + a2_items
            when 'party_digital_transformation' then a2_items
            when 'other_sources' then a1_other
            when 'total' then a1_state + a1_other + a2_items
        end as items_sum_mvnd
    from (
        select
            document_id,
            coalesce(sum(amount_mvnd) filter (where appendix = 'I' and measure = 'state_budget'), 0) as a1_state,
            coalesce(sum(amount_mvnd) filter (where appendix = 'I' and measure = 'other_sources'), 0) as a1_other,
            coalesce(sum(amount_mvnd) filter (
                where appendix = 'II' and item_level = 'item' and measure = 'total'), 0) as a2_items
        from amounts
        group by document_id
    ) as s
    cross join (
        select unnest(['state_budget', 'party_digital_transformation', 'other_sources', 'total']) as measure
    ) as m
)

select
    totals.total_id,
    totals.document_id,
    totals.scope,
    totals.measure,
    totals.label,
    totals.amount_mvnd as stated_amount_mvnd,
    totals.amount_text,
    {{ money('sums.rows_sum_mvnd') }} as rows_sum_mvnd,
    {{ money('sums.rows_sum_mvnd - totals.amount_mvnd') }} as rows_difference_mvnd,
    {{ money('coalesce(sums.items_sum_mvnd, part_iv.items_sum_mvnd)') }} as items_sum_mvnd,
    {{ money('coalesce(sums.items_sum_mvnd, part_iv.items_sum_mvnd) - totals.amount_mvnd') }}
        as items_difference_mvnd,
    sums.row_count as rows_counted,
    sums.items_count as items_counted,
    totals.words_text,
    totals.words_amount_mvnd,
    totals.words_parse_error,
    totals.words_locator,
    totals.period_label,
    totals.source_locator,
    sums.rows_locator,
    sums.items_locator
from totals
left join sums
    on sums.document_id = totals.document_id
    and sums.scope = totals.scope
    and sums.measure = totals.measure
left join part_iv
    on part_iv.document_id = totals.document_id
    and part_iv.scope = totals.scope
    and part_iv.measure = totals.measure
