select pillar_code, pillar_name_vi, pillar_name_en, source
from {{ ref('ref_pillar') }}
