"""Rules and procedures: the library, a document with its versions, publishing and revising,
学习签名, the machine's QR code, the scanner, and who has not confirmed."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from app.errors import only_if, submit
from app.extensions import db
from app.forms import enum_choices
from app.guards import parse_id
from app.models.library import DocCategory, Document, DocumentVersion
from app.models.safety import Area
from app.rendering import page_or_fragment, qr_svg

from .. import bp, permissions, posts, queries, services
from ._common import posted

publisher_required = only_if(permissions.can_publish)


def _category_arg() -> DocCategory | None:
    raw = request.args.get("category", "")
    if raw == "":
        return None
    try:
        return DocCategory(raw)
    except ValueError:
        abort(400, _("There is no such category."))


@bp.route("/")
@login_required
def index():
    category = _category_arg()
    return page_or_fragment(
        "library/index.html",
        "library/_documents.html",
        category=category,
        categories=list(DocCategory),
        documents=list(db.session.scalars(queries.documents(category))),
        to_confirm=queries.required_of(current_user),
        mine=queries.my_documents(current_user),
        team_missing=queries.unconfirmed_in_teams(current_user),
        can_publish=permissions.can_publish(current_user),
    )


def _form_context(document=None, values=None, errors=None):
    return {
        "document": document,
        "values": values or {},
        "errors": errors or {},
        "categories": enum_choices(DocCategory),
        "areas": [
            (a.id, a.name)
            for a in db.session.scalars(
                select(Area).where(Area.active.is_(True)).order_by(Area.name)
            )
        ],
        "posts": posts.all_posts(),
    }


def _values_of(document: Document) -> dict:
    version = document.current_version
    return {
        "title": document.title,
        "category": document.category.value,
        "machine": document.machine,
        "area_id": str(document.area_id or ""),
        "post_ids": [str(link.post_id) for link in document.post_links],
        "body": version.body if version else "",
    }


@bp.route("/documents/new", methods=["GET", "POST"])
@publisher_required
def new_document():
    if request.method == "POST":
        return posted(
            services.publish_document,
            back=lambda document: url_for("library.document", document_id=document.id),
            again=lambda errors: _form_again(None, errors),
            message=_("Document published."),
        )
    return render_template("library/document_form.html", **_form_context())


def _form_again(document, errors):
    values = request.form.to_dict()
    values["post_ids"] = request.form.getlist("post_ids")
    return render_template(
        "library/document_form.html", **_form_context(document, values, errors)
    ), 422


@bp.route("/documents/<int:document_id>/revise", methods=["GET", "POST"])
@publisher_required
def revise_document(document_id):
    document = db.get_or_404(Document, document_id)
    if request.method == "POST":
        before = document.current_version_id
        return posted(
            services.revise_document,
            document,
            back=lambda version: url_for("library.document", document_id=document_id),
            again=lambda errors: _form_again(db.get_or_404(Document, document_id), errors),
            message=lambda version: (
                _("New version published.")
                if version.id != before
                else _("Details saved. The text is unchanged: nobody is asked to read it again.")
            ),
        )
    return render_template(
        "library/document_form.html", **_form_context(document, _values_of(document))
    )


def _show(document: Document, version: DocumentVersion, status=200):
    current = version.id == document.current_version_id
    return render_template(
        "library/document.html",
        document=document,
        version=version,
        current=current,
        must_confirm=current and queries.must_confirm(current_user, document),
        confirmation=queries.confirmation_of(current_user, version),
        can_publish=permissions.can_publish(current_user),
        can_follow=permissions.can_follow_readers(current_user) and bool(document.post_links),
        post_names=dict(posts.all_posts()),
    ), status


@bp.route("/documents/<int:document_id>")
@login_required
def document(document_id):
    """What a machine's QR code opens: the current version, at this address (the phone keeps
    it for offline), with the 学习签名 when a post of the reader requires it."""
    document = db.get_or_404(Document, document_id)
    if document.current_version is None:
        abort(404)
    return _show(document, document.current_version)


@bp.route("/documents/<int:document_id>/versions/<int:number>")
@login_required
def version(document_id, number):
    document = db.get_or_404(Document, document_id)
    version = db.session.scalar(
        select(DocumentVersion).where(
            DocumentVersion.document_id == document.id, DocumentVersion.number == number
        )
    )
    if version is None:
        abort(404)
    return _show(document, version)


@bp.route("/documents/<int:document_id>/confirm", methods=["POST"])
@login_required
def confirm(document_id):
    """学习签名 without the outbox (no JavaScript): the same service as the `procedure_read`
    record."""
    document = db.get_or_404(Document, document_id)
    version_id = parse_id(request.form.get("version_id"))
    version = db.session.get(DocumentVersion, version_id) if version_id else None
    if version is None or version.document_id != document.id:
        flash(_("This version of the document does not exist."), "error")
        return redirect(url_for("library.document", document_id=document.id), 303)
    done = submit(None, services.confirm_read, current_user, request.form)
    if done:
        db.session.commit()
        flash(_("Confirmed: you have read this version."), "success")
    else:
        for message in done.messages:
            flash(message, "error")
    return redirect(url_for("library.document", document_id=document.id), 303)


@bp.route("/documents/<int:document_id>/qr.svg")
@login_required
def document_qr(document_id):
    document = db.get_or_404(Document, document_id)
    return current_app.response_class(
        qr_svg(url_for("library.document", document_id=document.id, _external=True)),
        mimetype="image/svg+xml",
    )


@bp.route("/documents/<int:document_id>/print")
@publisher_required
def print_document(document_id):
    """The label to stick on the machine: its name, the document and the QR code."""
    document = db.get_or_404(Document, document_id)
    return render_template("library/print.html", document=document)


@bp.route("/documents/<int:document_id>/readers")
@login_required
def readers(document_id):
    """Who of the workers the document's posts require has confirmed the current version."""
    if not permissions.can_follow_readers(current_user):
        abort(403)
    document = db.get_or_404(Document, document_id)
    if document.current_version is None:
        abort(404)
    teams = queries.readers(current_user, document)
    missing = sum(1 for rows in teams.values() for _user, c in rows if c is None)
    return render_template("library/readers.html", document=document, teams=teams, missing=missing)


@bp.route("/scan")
@login_required
def scan():
    """The in-app scanner: a machine's code opens its procedure, from the phone's copy when
    there is no network."""
    targets = {}
    for document_id in db.session.scalars(
        select(Document.id).where(Document.current_version_id.is_not(None))
    ):
        url = url_for("library.document", document_id=document_id)
        targets[url] = url
    return render_template("library/scan.html", targets=targets)
