"""What the outbox scripts say, in the current language: `%(name)s`-style holes are filled in
by the scripts (given no values, gettext leaves them as they are). Every page carries
outbox.js's table; outbox-edit.js's comes with the outbox page, which the phone keeps, and is
read from there: the few pages a record is corrected on do not make every first load pay for
it."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

OUTBOX_STRINGS = {
    "saved": _l("Saved on this phone. It will be sent when there is a connection."),
    "not_image": _l("%(name)s is not a photo this phone can read."),
    "state_pending": _l("Pending"),
    "state_error": _l("Will retry"),
    "state_invalid": _l("Needs fixing"),
    "state_conflict": _l("Conflict"),
    "state_photo_error": _l("Photo refused"),
    "state_synced": _l("Synced"),
    "photos": _l("%(n)s photos"),
    # A refused field's message under the field's name; Chinese puts a full-width colon.
    "field_error": _l("%(label)s: %(message)s"),
    "retry": _l("Retry"),
    "discard": _l("Discard"),
    "edit": lazy_pgettext("outbox", "Edit"),
    "confirm_discard": _l("Discard this record? It has not reached the server and will be lost."),
    "login_to_sync": _l("Log in to sync %(n)s records."),
    "others": _l(
        "%(n)s records were captured under another account on this phone; they are sent only when "
        "that account logs in."
    ),
    "storage": _l("Storage used on this phone: %(used)s MB of %(quota)s MB"),
    "persisted": _l("kept safe from clean-up"),
    "sent": _l("Sent."),
    "refused": _l("The server did not accept this record: see the outbox to correct it."),
    "syncing": _l("Syncing…"),
    "sync_done": _l("Everything has been sent."),
    "sync_offline": _l("No network: the records wait on this phone. Next try at %(time)s."),
    "sync_unreachable": _l(
        "The server is not answering: the records wait on this phone. Next try at %(time)s."
    ),
    "sync_server": _l("The server could not take some records just now. Next try at %(time)s."),
    "sync_fix": _l("%(n)s records need fixing before they can be sent."),
    "sync_unsupported": _l("This browser cannot keep records on the phone."),
    "reason_offline": _l("Waiting: no network"),
    "reason_unreachable": _l("Waiting: the server is not answering"),
    "reason_server": _l("Waiting: the server had a problem"),
    "reason_login": _l("Waiting: log in needed"),
    "reason_fix": _l("Needs a fix (see below)"),
    "reason_round": _l("Waiting for its round to be corrected"),
    "last_try": _l("last try %(time)s"),
    "next_try": _l("next try %(time)s"),
    "next_try_connection": _l("next try when there is a connection"),
}

# outbox-edit.js alone says these (correcting a refused record).
OUTBOX_EDIT_STRINGS = {
    "edit_title": _l("Correcting a record from the outbox"),
    # Not a word about photos: most records have none, and those kept show beside their field.
    "edit_hint": _l(
        "The server did not accept this record. Correct it and save: it is sent again."
    ),
    "edit_cancel": _l("Cancel and go back to the outbox"),
    "edit_back": _l("Back to the outbox"),
    "edit_gone": _l("This record is no longer in the outbox: it has been sent or discarded."),
    "edit_busy": _l("This record is being sent again and can no longer be changed."),
    "edit_no_form": _l(
        "The form this record was captured with is not on this page any more. Discard the record in"
        " the outbox and capture it again."
    ),
    "edit_saved": _l(
        "Correction saved on this phone. It will be sent again when there is a connection."
    ),
    "kept_photos": _l("Photos kept with this record"),
    "photo_n": _l("Photo %(n)s"),
    "remove_photo": _l("Remove"),
    "keep_photo": _l("Keep"),
}
