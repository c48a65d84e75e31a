"""The gate's writes: qualification types and the qualifications people hold, posts and who
holds them, workers' codes and photos, and the checks made at the site entrance."""

from .qualifications import (  # noqa: F401
    BY_TYPE,
    add_months,
    grant_qualification,
    record_certificate,
    revoke_qualification,
    save_type,
    type_named,
)
