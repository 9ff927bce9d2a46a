-- Funding-source kind of each Appendix I "Nguồn khác" amount, derived from the task's note:
-- the note is matched (case-insensitive substring, NFC) against ref_funding_source.note_pattern;
-- the longest matching pattern wins; no match → the seed's catch-all row (non-state, no pattern).
with other_amounts as (
    select task_key, note
    from {{ ref('stg_extraction__plan_items') }}
    where appendix = 'I'
      and item_level = 'task'
      and other_budget_status = 'stated'
),

patterns as (
    select
        funding_source_code,
        lower(nfc_normalize(note_pattern)) as note_pattern
    from {{ ref('ref_funding_source') }}
    where not is_state_budget
      and coalesce(note_pattern, '') <> ''
),

catch_all as (
    select min(funding_source_code) as funding_source_code
    from {{ ref('ref_funding_source') }}
    where not is_state_budget
      and coalesce(note_pattern, '') = ''
),

matches as (
    select
        other_amounts.task_key,
        patterns.funding_source_code,
        patterns.note_pattern,
        row_number() over (
            partition by other_amounts.task_key
            order by length(patterns.note_pattern) desc, patterns.funding_source_code
        ) as match_rank,
        count(*) over (partition by other_amounts.task_key) as match_count
    from other_amounts
    inner join patterns
        on strpos(lower(nfc_normalize(coalesce(other_amounts.note, ''))), patterns.note_pattern) > 0
)

select
    other_amounts.task_key,
    other_amounts.note,
    coalesce(matches.funding_source_code, catch_all.funding_source_code) as funding_source_code,
    case
        when matches.funding_source_code is not null
            then 'rule: note contains "' || matches.note_pattern || '"'
        -- Task 30's note cell is empty: "matches no pattern" would send a reader looking for one.
        when nullif(trim(coalesce(other_amounts.note, '')), '') is null
            then 'rule: no note says what the other source is → other sources, kind not stated'
        else 'rule: note matches no pattern → other sources, kind not stated'
    end as funding_source_basis,
    coalesce(matches.match_count, 0) as pattern_match_count
from other_amounts
cross join catch_all
left join matches
    on matches.task_key = other_amounts.task_key
    and matches.match_rank = 1
