-- One row per reconciliation check, passing checks included. difference = computed − stated.
-- status 'pass' only when both values are known and equal. Nothing is corrected: both figures and
-- where each came from are shown.
with stated as (
    select * from {{ ref('fct_stated_total') }}
),

amounts as (
    select * from {{ ref('int_plan_amounts__long') }}
    where amount_status = 'stated'
),

measure_names as (
    select * from (values
        ('state_budget', 'kinh phí NSNN'),
        ('other_sources', 'kinh phí nguồn khác'),
        ('budget_2025', 'dự toán năm 2025'),
        ('budget_2026_2030', 'dự toán giai đoạn 2026-2030'),
        ('total', 'tổng kinh phí'),
        ('party_digital_transformation', 'chuyển đổi số trong các cơ quan Đảng')
    ) as t(measure, measure_vi)
),

-- 1. Appendix I total row vs the sum of its task rows, per column
appendix_i_totals as (
    select
        'A1.TOTAL.' || upper(s.measure) as check_id,
        'appendix_total' as check_group,
        'Phụ lục I: dòng Tổng cộng (' || m.measure_vi || ') so với tổng các nhiệm vụ' as description,
        s.stated_amount_mvnd as stated_value,
        s.rows_sum_mvnd as computed_value,
        s.amount_text as stated_text,
        cast(null as varchar) as computed_text,
        s.source_locator as stated_locator,
        'Phụ lục I, ' || s.rows_counted || ' dòng nhiệm vụ: ' || s.rows_locator as computed_locator,
        s.document_id
    from stated as s
    left join measure_names as m on m.measure = s.measure
    where s.scope = 'appendix_I'
),

-- 2. Appendix II total row vs the sum of its unit rows, and vs the sum of all items
appendix_ii_totals as (
    select
        'A2.TOTAL.' || upper(s.measure) || '.UNITS',
        'appendix_total',
        'Phụ lục 2: dòng Tổng cộng (' || m.measure_vi || ') so với tổng 4 đơn vị',
        s.stated_amount_mvnd, s.rows_sum_mvnd, s.amount_text, null,
        s.source_locator, 'Phụ lục 2, các dòng đơn vị: ' || s.rows_locator, s.document_id
    from stated as s left join measure_names as m on m.measure = s.measure
    where s.scope = 'appendix_II'
    union all
    select
        'A2.TOTAL.' || upper(s.measure) || '.ITEMS',
        'appendix_total',
        'Phụ lục 2: dòng Tổng cộng (' || m.measure_vi || ') so với tổng các nội dung chi tiết (1.1…4.4)',
        s.stated_amount_mvnd, s.items_sum_mvnd, s.amount_text, null,
        s.source_locator, 'Phụ lục 2, ' || s.items_counted || ' dòng nội dung chi tiết: ' || s.items_locator,
        s.document_id
    from stated as s left join measure_names as m on m.measure = s.measure
    where s.scope = 'appendix_II'
),

-- 3. each Appendix II unit row vs the sum of its items
appendix_ii_units as (
    select
        'A2.UNIT.' || replace(s.scope, 'appendix_II.unit.', '') || '.' || upper(s.measure),
        'unit_total',
        'Phụ lục 2: dòng đơn vị ' || replace(s.scope, 'appendix_II.unit.', '') || ' "' || s.label || '" ('
            || m.measure_vi || ') so với tổng các nội dung của đơn vị',
        s.stated_amount_mvnd, s.rows_sum_mvnd, s.amount_text, null,
        s.source_locator, 'Phụ lục 2: ' || coalesce(s.rows_locator, 'không có dòng nội dung'), s.document_id
    from stated as s left join measure_names as m on m.measure = s.measure
    where s.scope like 'appendix_II.unit.%'
),

-- 4. every Appendix II row (and the total row): total = 2025 + 2026–2030
appendix_ii_rows as (
    select
        'A2.ROW.' || item_no || '.TOTAL',
        'row_total',
        'Phụ lục 2, dòng ' || item_no || ': Tổng kinh phí so với dự toán 2025 + dự toán 2026-2030',
        max(amount_mvnd) filter (where measure = 'total'),
        coalesce(max(amount_mvnd) filter (where measure = 'budget_2025'), 0)
            + coalesce(max(amount_mvnd) filter (where measure = 'budget_2026_2030'), 0),
        null, null,
        -- The total's own line, and the lines of the two estimates it should add up.
        max(source_locator) filter (where measure = 'total'),
        string_agg(distinct source_locator, '; ' order by source_locator) filter (where measure <> 'total'), document_id
    from amounts
    where appendix = 'II'
    group by document_id, item_no
    having count(*) filter (where measure = 'total') > 0
    union all
    select
        'A2.ROW.TOTAL.TOTAL',
        'row_total',
        'Phụ lục 2, dòng Tổng cộng: Tổng kinh phí so với dự toán 2025 + dự toán 2026-2030',
        max(stated_amount_mvnd) filter (where measure = 'total'),
        coalesce(max(stated_amount_mvnd) filter (where measure = 'budget_2025'), 0)
            + coalesce(max(stated_amount_mvnd) filter (where measure = 'budget_2026_2030'), 0),
        null, null,
        max(source_locator) filter (where measure = 'total'),
        string_agg(distinct source_locator, '; ' order by source_locator) filter (where measure <> 'total'), document_id
    from stated
    where scope = 'appendix_II'
    group by document_id
),

-- 5. Part IV vs the appendices
figures as (
    select
        document_id,
        max(stated_amount_mvnd) filter (where total_id = 'part_IV.total') as p4_total,
        max(stated_amount_mvnd) filter (where total_id = 'part_IV.state_budget') as p4_state,
        max(stated_amount_mvnd) filter (where total_id = 'part_IV.party_digital_transformation') as p4_party,
        max(stated_amount_mvnd) filter (where total_id = 'part_IV.other_sources') as p4_other,
        max(source_locator) filter (where total_id = 'part_IV.total') as p4_total_loc,
        max(source_locator) filter (where total_id = 'part_IV.state_budget') as p4_state_loc,
        max(source_locator) filter (where total_id = 'part_IV.party_digital_transformation') as p4_party_loc,
        max(source_locator) filter (where total_id = 'part_IV.other_sources') as p4_other_loc,
        max(stated_amount_mvnd) filter (where total_id = 'appendix_I.total.state_budget') as a1_total_state,
        max(stated_amount_mvnd) filter (where total_id = 'appendix_I.total.other_sources') as a1_total_other,
        max(rows_sum_mvnd) filter (where total_id = 'appendix_I.total.state_budget') as a1_rows_state,
        max(rows_sum_mvnd) filter (where total_id = 'appendix_I.total.other_sources') as a1_rows_other,
        max(stated_amount_mvnd) filter (where total_id = 'appendix_II.total.total') as a2_total,
        max(rows_sum_mvnd) filter (where total_id = 'appendix_II.total.total') as a2_units,
        max(items_sum_mvnd) filter (where total_id = 'appendix_II.total.total') as a2_items,
        max(source_locator) filter (where total_id = 'appendix_I.total.state_budget') as a1_total_loc,
        max(source_locator) filter (where total_id = 'appendix_I.total.other_sources') as a1_other_total_loc,
        max(source_locator) filter (where total_id = 'appendix_II.total.total') as a2_total_loc,
        max('Phụ lục I, ' || rows_counted || ' dòng nhiệm vụ có nguồn khác: ' || rows_locator)
            filter (where total_id = 'appendix_I.total.other_sources') as a1_other_rows_loc,
        max('Phụ lục 2, các dòng đơn vị: ' || rows_locator)
            filter (where total_id = 'appendix_II.total.total') as a2_units_loc
    from stated
    group by document_id
    having count(*) filter (where scope = 'part_IV') > 0
),

part_iv as (
    select 'P4.STATE_BUDGET.APPENDIX_TOTALS', 'part_iv',
        'Phần IV: Ngân sách nhà nước so với dòng Tổng cộng NSNN Phụ lục I + dòng Tổng cộng Phụ lục 2',
        p4_state, a1_total_state + a2_total, null, null, p4_state_loc,
        a1_total_loc || ' + ' || a2_total_loc, document_id
    from figures
    union all
    select 'P4.STATE_BUDGET.ROWS', 'part_iv',
        'Phần IV: Ngân sách nhà nước so với tổng các dòng NSNN Phụ lục I + tổng các nội dung Phụ lục 2',
        p4_state, a1_rows_state + a2_items, null, null, p4_state_loc,
        'Phụ lục I (85 nhiệm vụ) + Phụ lục 2 (các nội dung chi tiết)', document_id
    from figures
    union all
    select 'P4.PARTY_DT.APPENDIX_II_TOTAL', 'part_iv',
        'Phần IV: kinh phí chuyển đổi số trong các cơ quan Đảng so với dòng Tổng cộng Phụ lục 2',
        p4_party, a2_total, null, null, p4_party_loc, a2_total_loc, document_id
    from figures
    union all
    select 'P4.PARTY_DT.APPENDIX_II_UNITS', 'part_iv',
        'Phần IV: kinh phí chuyển đổi số trong các cơ quan Đảng so với tổng 4 đơn vị Phụ lục 2',
        p4_party, a2_units, null, null, p4_party_loc, coalesce(a2_units_loc, 'Phụ lục 2, các dòng đơn vị'),
        document_id
    from figures
    union all
    select 'P4.OTHER_SOURCES.APPENDIX_I_TOTAL', 'part_iv',
        'Phần IV: nguồn ngoài NSNN so với dòng Tổng cộng nguồn khác Phụ lục I',
        p4_other, a1_total_other, null, null, p4_other_loc, a1_other_total_loc, document_id
    from figures
    union all
    select 'P4.OTHER_SOURCES.APPENDIX_I_ROWS', 'part_iv',
        'Phần IV: nguồn ngoài NSNN so với tổng các dòng nguồn khác Phụ lục I',
        p4_other, a1_rows_other, null, null, p4_other_loc,
        coalesce(a1_other_rows_loc, 'Phụ lục I, các nhiệm vụ có nguồn khác'), document_id
    from figures
    union all
    select 'P4.TOTAL.PARTS', 'part_iv',
        'Phần IV: Tổng kinh phí so với Ngân sách nhà nước + nguồn ngoài NSNN (Phần IV)',
        p4_total, p4_state + p4_other, null, null, p4_total_loc,
        p4_state_loc || ' + ' || p4_other_loc, document_id
    from figures
    union all
    select 'P4.TOTAL.APPENDICES', 'part_iv',
        'Phần IV: Tổng kinh phí so với tổng các dòng Phụ lục I (NSNN + nguồn khác) + dòng Tổng cộng Phụ lục 2',
        p4_total, a1_rows_state + a1_rows_other + a2_total, null, null, p4_total_loc,
        'Phụ lục I (85 nhiệm vụ) + ' || a2_total_loc, document_id
    from figures
    union all
    -- Every printed row, nothing taken from a total row: the sum fct_budget_plan and the briefing's
    -- headline give (6.532.164), beside the check above that takes Appendix 2 from its total row.
    select 'P4.TOTAL.ROWS', 'part_iv',
        'Phần IV: Tổng kinh phí so với tổng các dòng Phụ lục I (NSNN + nguồn khác) + tổng các nội dung Phụ lục 2',
        p4_total, a1_rows_state + a1_rows_other + a2_items, null, null, p4_total_loc,
        'Phụ lục I (85 nhiệm vụ) + Phụ lục 2 (các nội dung chi tiết)', document_id
    from figures
),

-- 6. amounts in words vs digits
words as (
    select
        'WORDS.' || upper(replace(total_id, '.', '_')),
        'words_vs_digits',
        'Số tiền bằng chữ so với bằng số: ' || label
            || case when words_parse_error is not null
                then ' (không đọc được số tiền bằng chữ: ' || words_parse_error || ')' else '' end,
        stated_amount_mvnd, words_amount_mvnd, amount_text, words_text,
        source_locator, coalesce(words_locator, source_locator), document_id
    from stated
    where words_text is not null
),

-- 7. content counts stated in Part III.VII vs tasks per Appendix I group
content as (
    select
        'CONTENT.' || counts.section_no,
        'content_count',
        'Phần III.VII mục ' || counts.section_no || ' ghi "' || counts.count_text
            || '" so với số nhiệm vụ nhóm ' || coalesce(counts.appendix_group_code, '?') || ' Phụ lục I',
        counts.stated_count, groups.task_count, counts.count_text,
        coalesce(groups.task_count || ' nhiệm vụ', 'không tìm thấy nhóm tương ứng'),
        counts.source_locator, groups.source_locator, counts.document_id
    from {{ ref('stg_extraction__content_counts') }} as counts
    left join {{ ref('dim_group') }} as groups
        on groups.document_id = counts.document_id
        and groups.group_code = counts.appendix_group_code
),

-- 8. period labels that disagree
periods as (
    select
        'PERIOD.A2.TITLE_VS_COLUMNS',
        'period_label',
        'Phụ lục 2: giai đoạn ghi ở tiêu đề so với giai đoạn của các cột dự toán (năm cuối)',
        title_period_end, column_period_end,
        title_period_text, '2025; ' || column_period_text,
        coalesce(title_period_locator, source_locator), coalesce(column_period_locator, source_locator),
        document_id
    from {{ ref('stg_extraction__plan_tables') }}
    where appendix = 'II' and title_period_text is not null
    union all
    select
        'PERIOD.P4.PARTY_DT_VS_A2_COLUMNS',
        'period_label',
        'Phần IV: giai đoạn ghi cho kinh phí chuyển đổi số trong các cơ quan Đảng so với các cột Phụ lục 2 (năm cuối)',
        {{ period_end_from_text('stated.period_label') }}, tables.column_period_end,
        stated.period_label, '2025; ' || tables.column_period_text,
        stated.source_locator, coalesce(tables.column_period_locator, tables.source_locator),
        stated.document_id
    from stated
    inner join {{ ref('stg_extraction__plan_tables') }} as tables
        on tables.document_id = stated.document_id and tables.appendix = 'II'
    where stated.total_id = 'part_IV.party_digital_transformation' and stated.period_label is not null
    union all
    -- a task whose name carries a period that differs from its period column (task 29)
    select
        'PERIOD.A1.TASK_' || item_no || '.NAME_VS_COLUMN',
        'period_label',
        'Phụ lục I, nhiệm vụ ' || item_no || ': giai đoạn ghi trong tên nhiệm vụ so với cột Thời gian thực hiện (năm đầu)',
        {{ period_start_from_text('item_name') }}, period_start_year,
        regexp_extract(item_name, '20[0-9]{2}\s*[-–—]\s*20[0-9]{2}'), period_text,
        source_locator, source_locator, document_id
    from {{ ref('stg_extraction__plan_items') }}
    where appendix = 'I' and {{ period_start_from_text('item_name') }} is not null
),

-- 9. Appendix I numbering: tasks numbered 1..n without gaps or repeats
numbering as (
    select
        'A1.TASK_NUMBERING',
        'numbering',
        'Phụ lục I: số thứ tự nhiệm vụ lớn nhất so với số nhiệm vụ (đánh số liên tục 1…n)',
        max(try_cast(item_no as integer)), count(distinct item_no),
        null, null,
        arg_max(source_locator, try_cast(item_no as integer)),
        arg_min(source_locator, sequence) || ' … ' || arg_max(source_locator, sequence), document_id
    from {{ ref('stg_extraction__plan_items') }}
    where appendix = 'I' and item_level = 'task'
    group by document_id
),

-- 10. the targets Part III.IV lists vs the indicators the KPI roadmap table (Part III.V) follows:
-- matched by number (both list them in the same order); a target without a roadmap row has no yearly
-- figures, so nothing in the warehouse follows it.
headline as (
    select
        'KPI.HEADLINE_VS_ROADMAP',
        'target_count',
        'Phần III.IV: số chỉ tiêu cụ thể so với số chỉ tiêu có trong bảng lộ trình (Phần III.V)',
        count(*), count(roadmap.indicator_no),
        count(*) || ' chỉ tiêu',
        coalesce(
            'không có trong bảng lộ trình: ' || string_agg(
                case when roadmap.indicator_no is null
                    then 'chỉ tiêu ' || targets.target_no || ' "' || targets.target_text || '"' end,
                '; ' order by targets.target_no
            ),
            count(roadmap.indicator_no) || ' chỉ tiêu'
        ),
        min_by(targets.source_locator, targets.target_no) || ' … '
            || max_by(targets.source_locator, targets.target_no),
        coalesce(any_value(kpi_table.source_locator), 'không tìm thấy bảng lộ trình'),
        targets.document_id
    from {{ ref('stg_extraction__headline_targets') }} as targets
    left join (
        select distinct document_id, try_cast(indicator_no as integer) as indicator_no
        from {{ ref('stg_extraction__kpi_targets') }}
    ) as roadmap
        on roadmap.document_id = targets.document_id and roadmap.indicator_no = targets.target_no
    left join (
        select document_id, string_agg(source_locator, '; ' order by source_locator) as source_locator
        from {{ ref('stg_extraction__plan_tables') }}
        where appendix = 'KPI'
        group by all
    ) as kpi_table
        on kpi_table.document_id = targets.document_id
    group by targets.document_id
),

-- How much a failure matters to someone using the figures: money that does not add up, or amounts in
-- words that differ from the digits, change which amount is right ('error'); a count, a period label
-- or the numbering that disagree change no amount ('warning'). No check stops the publish: these are
-- the document's own inconsistencies, shown, never corrected. A new check group has no severity until
-- it is listed here (the not_null test says so).
severities as (
    select * from (values
        ('appendix_total', 'error', 'lỗi'),
        ('unit_total', 'error', 'lỗi'),
        ('row_total', 'error', 'lỗi'),
        ('part_iv', 'error', 'lỗi'),
        ('words_vs_digits', 'error', 'lỗi'),
        ('content_count', 'warning', 'cảnh báo'),
        ('period_label', 'warning', 'cảnh báo'),
        ('numbering', 'warning', 'cảnh báo'),
        ('target_count', 'warning', 'cảnh báo')
    ) as t(check_group, severity, severity_vi)
),

checks as (
    select * from appendix_i_totals
    union all select * from appendix_ii_totals
    union all select * from appendix_ii_units
    union all select * from appendix_ii_rows
    union all select * from part_iv
    union all select * from words
    union all select * from content
    union all select * from periods
    union all select * from numbering
    union all select * from headline
)

select
    check_id,
    checks.check_group,
    description,
    case
        when checks.check_group = 'content_count' then 'nội dung'
        when checks.check_group = 'period_label' then 'năm'
        when checks.check_group = 'numbering' then 'nhiệm vụ'
        when checks.check_group = 'target_count' then 'chỉ tiêu'
        else 'triệu đồng'
    end as value_unit,
    {{ money('stated_value') }} as stated_value,
    {{ money('computed_value') }} as computed_value,
    {{ money('computed_value - stated_value') }} as difference,
    case
        when stated_value is not null and computed_value is not null and stated_value = computed_value
            then 'pass'
        else 'fail'
    end as status,
    severities.severity,
    severities.severity_vi,
    stated_text,
    computed_text,
    stated_locator,
    computed_locator,
    checks.document_id
from checks
left join severities on severities.check_group = checks.check_group
