select sector_code, sector_name_vi, sector_name_en, description, source
from {{ ref('ref_sector') }}
