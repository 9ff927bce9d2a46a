select
    document_id,
    file_name,
    original_file_name,
    sha256,
    kind as document_kind,
    issuer,
    province,
    document_date,
    title,
    metadata_source,
    metadata_issue,
    source_format,
    page_count,
    extraction_status,
    extraction_error,
    is_sample
from {{ source('extraction', 'documents') }}
