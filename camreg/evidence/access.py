from camreg.accounts.roles import Permission
from camreg.web.access import public, staff

_NO_SUCH_ROW = {"pk": 999999}
_NO_SUCH_UUID = "00000000-0000-0000-0000-000000000000"

URL_ACCESS = {
    # Releases, stills and bulletins (views.releases): deputies, investigators, supervisors
    # and custodians (evidence.view); deciding, revoking and share links: custodians.
    "evidence:release-queue": staff(Permission.EVIDENCE),
    "evidence:release-create": staff(
        Permission.EVIDENCE_VIEW, kwargs=lambda f: {"case_pk": 999999}, ok=404
    ),
    "evidence:release": staff(Permission.EVIDENCE_VIEW, kwargs=lambda f: _NO_SUCH_ROW, ok=404),
    "evidence:release-decide": staff(Permission.EVIDENCE, kwargs=lambda f: _NO_SUCH_ROW, ok=405),
    "evidence:release-revoke": staff(Permission.EVIDENCE, kwargs=lambda f: _NO_SUCH_ROW, ok=405),
    "evidence:share-link-new": staff(Permission.EVIDENCE, kwargs=lambda f: _NO_SUCH_ROW, ok=405),
    "evidence:share-link-revoke": staff(
        Permission.EVIDENCE, kwargs=lambda f: {"pk": 999999, "link_pk": 999999}, ok=405
    ),
    "evidence:still-create": staff(
        Permission.EVIDENCE_VIEW, kwargs=lambda f: {"file_pk": 999999}, ok=404
    ),
    "evidence:still": staff(Permission.EVIDENCE_VIEW, kwargs=lambda f: _NO_SUCH_ROW, ok=404),
    "evidence:still-image": staff(Permission.EVIDENCE_VIEW, kwargs=lambda f: _NO_SUCH_ROW, ok=404),
    "evidence:bulletin": staff(Permission.EVIDENCE_VIEW, kwargs=lambda f: _NO_SUCH_ROW, ok=404),
    # Evidence files and custody reports (views.files): evidence.view, checked before the
    # row is looked up (a row that does not exist is 404 for those who hold it).
    "evidence:index": staff(Permission.EVIDENCE_VIEW),
    "evidence:file": staff(Permission.EVIDENCE_VIEW, kwargs=lambda f: _NO_SUCH_ROW, ok=404),
    "evidence:poster": staff(Permission.EVIDENCE_VIEW, kwargs=lambda f: _NO_SUCH_ROW, ok=404),
    "evidence:download": staff(Permission.EVIDENCE_VIEW, kwargs=lambda f: _NO_SUCH_ROW, ok=404),
    "evidence:file-custody": staff(Permission.EVIDENCE_VIEW, kwargs=lambda f: _NO_SUCH_ROW, ok=404),
    "evidence:file-retention": staff(Permission.EVIDENCE, kwargs=lambda f: _NO_SUCH_ROW, ok=405),
    # Retention periods (views.retention): custodians only.
    "evidence:retention-categories": staff(Permission.EVIDENCE),
    "evidence:retention-category-new": staff(Permission.EVIDENCE),
    "evidence:retention-category": staff(
        Permission.EVIDENCE, kwargs=lambda f: _NO_SUCH_ROW, ok=404
    ),
    "evidence:retention-category-delete": staff(
        Permission.EVIDENCE, kwargs=lambda f: _NO_SUCH_ROW, ok=405
    ),
    "evidence:case-custody": staff(
        Permission.EVIDENCE_VIEW, kwargs=lambda f: {"case_id": 999999}, ok=404
    ),
    # Staff intake (views.intake) and its tus endpoint (views.upload; GET is not a tus
    # method: 405 for everyone, the permission is checked for the tus methods).
    "evidence:intake-request": staff(Permission.CANVASS, kwargs=lambda f: _NO_SUCH_ROW, ok=404),
    "evidence:intake-case": staff(Permission.CANVASS, kwargs=lambda f: _NO_SUCH_ROW, ok=404),
    "evidence:intake-files": staff(
        Permission.CANVASS, kwargs=lambda f: {"submission_id": _NO_SUCH_UUID}, ok=404
    ),
    "evidence:intake-finish": staff(
        Permission.CANVASS, kwargs=lambda f: {"submission_id": _NO_SUCH_UUID}, ok=405
    ),
    "evidence:staff-files": staff(
        Permission.CANVASS, kwargs=lambda f: {"submission_id": _NO_SUCH_UUID}, ok=405
    ),
    "evidence:staff-file": staff(
        Permission.CANVASS,
        kwargs=lambda f: {"submission_id": _NO_SUCH_UUID, "upload_id": _NO_SUCH_UUID},
        ok=405,
    ),
    # The owner's upload page and tus endpoint behind a footage request's link: a secret
    # that was never issued is a dead link (410 page; the tus paths answer GET with 405).
    "evidence-public:upload": public(kwargs=lambda f: {"token": "not-a-real-token"}, ok=410),
    "evidence-public:owner-files": public(kwargs=lambda f: {"token": "not-a-real-token"}, ok=405),
    "evidence-public:owner-file": public(
        kwargs=lambda f: {"token": "not-a-real-token", "upload_id": _NO_SUCH_UUID}, ok=405
    ),
    # A share link's page for another agency: a secret that was never issued is 404.
    "evidence-share:page": public(kwargs=lambda f: {"token": "not-a-real-token"}, ok=404),
    "evidence-share:download": public(
        kwargs=lambda f: {
            "token": "not-a-real-token",
            "file_id": "00000000-0000-0000-0000-000000000000",
        },
        ok=404,
    ),
}
