"""Document logic: finds the plan tables in a DocumentModel by meaning and extracts records."""
