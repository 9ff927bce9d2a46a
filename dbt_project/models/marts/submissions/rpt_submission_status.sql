-- Who has submitted for which period, who is late, who has fatal errors, how often each revised.
-- Expected: every agency that leads a task (not the shared 'NHIEU'), every quarter from the var
-- submission_first_period to the last quarter ended before the as-of date. Deadline: the quarter's
-- last day + var submission_deadline_days (default 15). As-of date: the as_of_date()
-- macro (a view: today in Vietnam when read, unless the reader sets nq57_as_of).
{{ config(materialized='view') }}
{% set as_of = as_of_date() %}
with agencies as (
    select distinct lead_agency_code as agency_code
    from {{ ref('dim_task') }}
    where lead_agency_code is not null and lead_agency_code <> 'NHIEU'
),

quarters as (
    select
        year,
        quarter,
        year || '-Q' || quarter as period,
        (make_date(year, quarter * 3, 1) + interval 1 month - interval 1 day)::date as period_end
    from (select unnest(generate_series(2025, 2030)) as year), (select unnest(generate_series(1, 4)) as quarter)
),

expected as (
    select agencies.agency_code, quarters.*,
        (quarters.period_end + to_days({{ var('submission_deadline_days', 15) }}))::date as deadline_date
    from agencies cross join quarters
    where quarters.period >= '{{ var('submission_first_period', '2025-Q4') }}'
      and quarters.period_end < {{ as_of }}
),

files as (
    select
        agency_code,
        period,
        count(*) as files_received,
        count(*) filter (where status in ('accepted', 'flagged')) as versions_loaded,
        count(*) filter (where status = 'rejected') as files_rejected,
        count(*) filter (where status = 'withdrawn') as files_withdrawn,
        min(received_at) as first_received_at,
        min(received_at) filter (where status in ('accepted', 'flagged')) as first_loaded_at,
        max(received_at) as last_received_at,
        max(version) as current_version,
        -- The version in force on the as-of date (a later resubmission is not known yet).
        max(case when in_force then status end) as current_status,
        max(case when in_force then submission_id end) as current_submission_id,
        -- The version in force was sent while its quarter was still running (SUB-H09): 'submitted', but
        -- with figures up to the day sent, until the department sends the whole quarter again.
        bool_or(received_before_period_end) filter (where in_force) as current_received_before_period_end,
        -- The sample mark of what the row rests on: the version in force when there is one, else the
        -- files received. Over every file, a rejected or withdrawn sample marked a department's real
        -- report as a sample, and `where not is_sample` dropped it.
        coalesce(bool_or(is_sample) filter (where in_force), bool_or(is_sample)) as is_sample
    from (
        select
            -- A file that could not be opened (empty, encrypted, another format) still says in its name
            -- who sent it for which quarter: counted as received and rejected, not as nothing sent.
            * replace (
                coalesce(agency_code, agency_code_from_name) as agency_code,
                coalesce(period, period_from_name) as period
            ),
            status in ('accepted', 'flagged')
                and {{ in_force_on(as_of, 'received_at', 'superseded_at') }} as in_force
        from {{ ref('dim_submission') }}
    )
    -- Only the files received by the as-of date count, so the view answers "who was late then".
    where agency_code is not null and period is not null and {{ received_by(as_of, 'received_at') }}
    group by all
)

select
    {{ as_of }} as as_of_date,
    expected.agency_code,
    expected.period,
    expected.year,
    expected.quarter,
    expected.deadline_date,
    -- Neither source document sets a deadline: say what the date rests on, for every row.
    'Quy ước của kho dữ liệu: ngày cuối quý + {{ var('submission_deadline_days', 15) }} ngày; văn bản '
        || 'nguồn không quy định hạn nộp, chờ Sở KH&CN xác nhận' as deadline_basis,
    coalesce(files.files_received, 0) as files_received,
    coalesce(files.versions_loaded, 0) as versions_loaded,
    greatest(coalesce(files.versions_loaded, 0) - 1, 0) as revision_count,
    coalesce(files.files_rejected, 0) > 0 as has_fatal_errors,
    coalesce(files.files_withdrawn, 0) as files_withdrawn,
    files.current_status,
    files.current_submission_id,
    files.current_received_before_period_end,
    files.first_received_at,
    files.first_loaded_at,
    files.last_received_at,
    case
        when files.first_loaded_at is not null then 'submitted'
        -- Received, none loaded, none rejected: every file was withdrawn (or repeats one that was), so
        -- the department owes a corrected report, not a fix of errors it was told of.
        when files.files_withdrawn > 0 and files.files_rejected = 0 then 'withdrawn_only'
        when files.files_received > 0 then 'rejected_only'
        -- A quarter ended but its report not due yet (1-15 January for Q4): nothing is missing yet.
        -- It read 'missing' with is_late false, and `where submission_state = 'missing'` counted
        -- every department as not having reported in the first half of each month after a quarter.
        when expected.deadline_date >= {{ as_of }} then 'not_yet_due'
        else 'missing'
    end as submission_state,
    case
        when files.first_loaded_at is not null then {{ vn_date('files.first_loaded_at') }} > expected.deadline_date
        else expected.deadline_date < {{ as_of }}
    end as is_late,
    -- No file received: nothing here rests on sample data. NULL would drop every missing report
    -- from an analyst's `where not is_sample`.
    coalesce(files.is_sample, false) as is_sample
from expected
left join files on files.agency_code = expected.agency_code and files.period = expected.period
