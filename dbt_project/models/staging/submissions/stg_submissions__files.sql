-- Submission raw table `submission_files` as written by the ingestion (see the source description).
select * from {{ source('submissions', 'submission_files') }}
