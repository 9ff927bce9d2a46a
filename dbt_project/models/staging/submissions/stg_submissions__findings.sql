-- Submission raw table `submission_findings` as written by the ingestion (see the source description).
select * from {{ source('submissions', 'submission_findings') }}
