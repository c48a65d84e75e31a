"""The gate's writes: qualification types and the qualifications people hold, posts and who
holds them, workers' codes and photos, and the checks made at the site entrance."""

from .checks import check_here, no_post, not_listed, record_check  # noqa: F401
from .codes import code_for, reissue_code, revoke_code, set_photo  # noqa: F401
from .posts import add_holder, add_leader, remove_holder, remove_leader, save_post  # noqa: F401
from .qualifications import (  # noqa: F401
    BY_TYPE,
    add_months,
    check_certificate,
    grant_qualification,
    record_certificate,
    revoke_qualification,
    save_type,
    type_named,
)
