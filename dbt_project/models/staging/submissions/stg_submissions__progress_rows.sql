-- Submission raw table `submission_progress_rows` as written by the ingestion (see the source description).
select * from {{ source('submissions', 'submission_progress_rows') }}
