-- Submission raw table `submission_kpi_rows` as written by the ingestion (see the source description).
select * from {{ source('submissions', 'submission_kpi_rows') }}
