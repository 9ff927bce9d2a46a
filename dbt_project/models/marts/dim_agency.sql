select agency_code, agency_name, agency_name_en, agency_type, source
from {{ ref('ref_agency') }}
