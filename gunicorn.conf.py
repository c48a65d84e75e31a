"""gunicorn's settings for this app (gunicorn reads this file from the folder it starts in)."""

import gc


def post_worker_init(worker):
    """Once the app is loaded, its objects (routes, models, templates, catalogs) are kept out
    of the garbage collector's full passes: those would otherwise walk them all, again and
    again, on the requests that make many objects (a list page), not on the small ones."""
    gc.collect()
    gc.freeze()
