"""What the field kit's script (kit.js) says, carried by every page in the current language:
`%(name)s`-style holes are filled in by the script (given no values, gettext leaves them as
they are)."""

from flask_babel import lazy_gettext as _l

KIT_STRINGS = {
    "ready": _l("Ready to work offline · %(time)s"),
    "updating": _l("Saving pages for offline use… %(done)s/%(total)s"),
    "incomplete": _l("Not ready offline: %(n)s pages could not be saved"),
    "unknown": _l("Not saved for offline use yet"),
    "size": _l("%(pages)s pages and files · %(mb)s MB"),
    "storage": _l("This phone stores %(used)s MB for the app (of %(quota)s MB)"),
    "persisted": _l("kept safe from clean-up"),
    "not_persisted": _l("the browser may clear it when space runs low"),
    "missing": _l("Not saved:"),
    "needs_network": _l(
        "This needs the network. It is not among the pages kept on this phone; try again when you "
        "are connected."
    ),
    "form_needs_network": _l(
        "This step needs the network: nothing was sent. Try again when you are connected."
    ),
    "offline_mark": _l("needs network"),
    "checking": _l("Checking for new pages…"),
    "photo_take": _l("Take a photo"),
    "photo_gallery": _l("From the gallery"),
    "photo_remove": _l("Remove photo"),
    "text_left": _l("%(n)s characters left"),
    "text_full": _l("The limit of %(max)s characters is reached."),
    "text_cut": _l("Only %(max)s characters fit: the last %(cut)s were not pasted."),
}
