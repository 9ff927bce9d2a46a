-- Submission raw table `submission_budget_rows` as written by the ingestion (see the source description).
select * from {{ source('submissions', 'submission_budget_rows') }}
