select
    documents.*,
    coalesce(issues.issue_count, 0) as extraction_issue_count
from {{ ref('stg_extraction__documents') }} as documents
left join (
    select document_id, count(*) as issue_count
    from {{ ref('stg_extraction__extraction_issues') }}
    group by document_id
) as issues on issues.document_id = documents.document_id
