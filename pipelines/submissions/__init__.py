"""Departmental submissions (issue 4): template, readers, rule catalogue, validator, ingestion.

One module, one job:

- ``layout``      the submission layout (sheets, columns, codes, period and file-name conventions)
- ``reference``   the reference data a submission is checked against (tasks, agencies, indicators,
                  plan per task and year) behind one small interface, and the year split rule
- ``readers``     xlsx / csv (UTF-8 or Windows-1258) → one raw model of sheets and cells
- ``rules``       the rule catalogue: ID, severity, category, Vietnamese and English message
- ``validator``   raw model + reference data → typed rows and findings
- ``report``      the error report (csv; xlsx too when there are findings) and its text form
- ``xlsx_writer`` a tiny xlsx writer for reports (openpyxl costs ~9 ms per file)
- ``template``    the Excel template writer (``nq57 template``)
- ``archive``     archive copies, received dates, versions
- ``withdrawal``  withdrawing a wrong report (``nq57 withdraw``): kept in the archive, never loaded
- ``filewriter``  archive copies and reports written on a background thread
- ``raw_tables``  Parquet raw tables for dbt
- ``ingest``      the whole ingestion of raw/submissions
- ``samples``     synthetic submissions (shipped samples, test corpus, benchmark) — marked as samples
"""
