"""Retention: the default categories, the category given on processing, the daily purge."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from camreg.evidence import tasks
from camreg.evidence.models import (
    CustodyKind,
    EvidenceFile,
    FileStatus,
    Release,
    ReleaseKind,
    RetentionCategory,
)
from camreg.evidence.services import processing, retention, retention_categories
from camreg.evidence.services.storage import evidence_storage
from camreg.scheduling import JOBS
from camreg.testing.audit import events, one_event
from camreg.testing.evidence import make_case, make_uploaded_file

pytestmark = pytest.mark.django_db

RECEIVED = datetime(2026, 11, 20, 18, 0, tzinfo=UTC)


@pytest.fixture
def case(deputy):
    return make_case(deputy.user)


@pytest.fixture
def evidence_file(case):
    with time_machine.travel(RECEIVED, tick=False):
        evidence_file = make_uploaded_file(case)
        processing.process(evidence_file.pk)
    evidence_file.refresh_from_db()
    return evidence_file


def test_the_default_categories():
    categories = {c.name: c for c in RetentionCategory.objects.all()}
    assert categories["No evidentiary value"].retention_days == 90
    assert categories["Homicide / major crime"].retention_days >= 25 * 365
    assert RetentionCategory.objects.filter(is_default=True).count() == 1
    assert categories["Evidence in an open investigation"].is_default


def test_the_daily_job_is_registered():
    assert any(job.task_path.endswith("purge_expired_evidence") for job in JOBS)


def test_nothing_is_purged_before_the_end_of_retention(evidence_file):
    with time_machine.travel(evidence_file.retain_until - timedelta(minutes=1)):
        assert retention.purge_expired() == 0
    evidence_file.refresh_from_db()
    assert evidence_file.status == FileStatus.READY


def test_expired_evidence_is_purged_with_a_custody_event(
    evidence_file, custodian_client, django_capture_on_commit_callbacks
):
    storage = evidence_storage()
    names = [evidence_file.stored_name, evidence_file.poster_name]
    assert all(storage.exists(name) for name in names)
    short = RetentionCategory.objects.get(name="No evidentiary value")
    retention.change_category(
        evidence_file, short, actor=custodian_client.user, reason="Nothing on the video"
    )
    with (
        time_machine.travel(RECEIVED + timedelta(days=91), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert tasks.purge_expired_evidence.call() == 1
        now = datetime.now(UTC)
    evidence_file.refresh_from_db()
    assert evidence_file.status == FileStatus.PURGED
    assert evidence_file.purged_at == now
    assert evidence_file.sha256  # the record of what was held stays
    assert not any(storage.exists(name) for name in names)
    event = evidence_file.custody_events.get(kind=CustodyKind.DELETED)
    assert event.actor is None and "No evidentiary value" in event.reason
    kinds = list(evidence_file.custody_events.values_list("kind", flat=True))
    assert kinds[-2:] == [CustodyKind.RETENTION_CHANGED, CustodyKind.DELETED]
    # Again: nothing more.
    with time_machine.travel(RECEIVED + timedelta(days=92)):
        assert retention.purge_expired() == 0


def test_bytes_left_by_a_crash_after_the_commit_are_deleted_on_the_next_run(evidence_file):
    with time_machine.travel(evidence_file.retain_until + timedelta(days=1)):
        retention.purge_expired()  # the on-commit deletion never runs here: as after a crash
    assert evidence_storage().exists(evidence_file.stored_name)
    assert retention.purge_expired() == 0
    assert not evidence_storage().exists(evidence_file.stored_name)


def test_a_file_in_a_release_waiting_for_a_decision_is_kept(evidence_file, deputy):
    release = Release.objects.create(
        case=evidence_file.case,
        kind=ReleaseKind.COPY,
        legal_basis="law",
        recipient="Superior Court",
        description="Video",
        requested_by=deputy.user,
    )
    release.evidence_files.add(evidence_file)
    with time_machine.travel(evidence_file.retain_until + timedelta(days=1)):
        assert retention.purge_expired() == 0


def test_a_purged_file_cannot_be_downloaded(evidence_file, deputy):
    with time_machine.travel(evidence_file.retain_until + timedelta(days=1)):
        retention.purge_expired()
    response = deputy.get(reverse("evidence:download", kwargs={"pk": evidence_file.pk}))
    assert response.status_code == 302
    page = deputy.get(reverse("evidence:file", kwargs={"pk": evidence_file.pk}))
    assert "deleted on" in page.content.decode()


def test_changing_the_category_needs_a_custodian_and_a_reason(
    evidence_file, deputy, custodian_client
):
    short = RetentionCategory.objects.get(name="No evidentiary value")
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        retention.change_category(evidence_file, short, actor=deputy.user, reason="x")
    with pytest.raises(retention.RetentionError):
        retention.change_category(evidence_file, short, actor=custodian_client.user, reason=" ")
    changed = retention.change_category(
        evidence_file, short, actor=custodian_client.user, reason="Reviewed"
    )
    assert changed.retain_until == evidence_file.created_at + timedelta(days=90)


@pytest.fixture
def custodian_client(staff_client):
    return staff_client("evidence_custodian")


# Retention periods: the categories a custodian sets (services.retention_categories) -------

DEFAULT = "Evidence in an open investigation"


def _categories() -> list[tuple]:
    return list(
        RetentionCategory.objects.order_by("pk").values_list(
            "pk", "name", "description", "retention_days", "is_default"
        )
    )


def _save(category, actor, **changes):
    fields = {
        "name": category.name if category else "Traffic collision",
        "description": category.description if category else "",
        "retention_days": category.retention_days if category else 730,
        "is_default": category.is_default if category else False,
        "reason": "Records retention schedule, resolution 2027-14",
        **changes,
    }
    return retention_categories.save(category, actor=actor, **fields)


def test_a_custodian_adds_a_category_and_the_audit_log_says_so(custodian_client):
    change = _save(None, custodian_client.user, name="  Traffic   collision ", retention_days=730)
    assert change.category.name == "Traffic collision"  # spaces tidied
    assert RetentionCategory.objects.filter(is_default=True).get().name == DEFAULT
    event = one_event("evidence.retention_category_created")
    assert event.actor_id == str(custodian_client.user.pk)
    assert event.target_id == str(change.category.pk)
    assert event.reason == "Records retention schedule, resolution 2027-14"
    assert event.details["before"] is None
    assert event.details["after"]["retention_days"] == 730


def test_a_longer_period_keeps_the_files_already_in_the_category_longer(
    evidence_file, custodian_client
):
    category = evidence_file.retention_category
    assert category.name == DEFAULT
    old_until = evidence_file.retain_until
    change = _save(category, custodian_client.user, retention_days=category.retention_days + 365)
    assert change.extended == 1
    evidence_file.refresh_from_db()
    assert evidence_file.retain_until == old_until + timedelta(days=365)
    event = evidence_file.custody_events.get(kind=CustodyKind.RETENTION_CHANGED)
    assert event.actor_id == custodian_client.user.pk
    assert event.reason == "Records retention schedule, resolution 2027-14"
    assert event.details["period_days"] == category.retention_days + 365
    assert event.details["retain_until_before"] == old_until.isoformat()
    assert one_event("evidence.retention_changed").target_id == str(evidence_file.pk)
    assert one_event("evidence.retention_category_changed").details["files_extended"] == 1
    # The old end passes: the file is still there.
    with time_machine.travel(old_until + timedelta(days=1)):
        assert retention.purge_expired() == 0
    evidence_file.refresh_from_db()
    assert evidence_file.status == FileStatus.READY


def test_a_shorter_period_only_applies_to_files_received_afterwards(
    evidence_file, custodian_client
):
    category = evidence_file.retention_category
    old_until = evidence_file.retain_until
    change = _save(category, custodian_client.user, retention_days=30)
    assert change.changed == ["retention_days"] and change.extended == 0
    evidence_file.refresh_from_db()
    assert evidence_file.retain_until == old_until
    assert not evidence_file.custody_events.filter(kind=CustodyKind.RETENTION_CHANGED).exists()
    with time_machine.travel(RECEIVED + timedelta(days=31)):
        assert retention.purge_expired() == 0
    later = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    with time_machine.travel(later, tick=False):
        newer = make_uploaded_file(evidence_file.case)
        processing.process(newer.pk)
    newer.refresh_from_db()
    assert newer.retention_category_id == category.pk
    assert newer.retain_until == later + timedelta(days=30)


def test_a_file_moved_out_and_back_with_a_later_date_keeps_it(evidence_file, custodian_client):
    category = evidence_file.retention_category
    longest = RetentionCategory.objects.get(name="Homicide / major crime")
    retention.change_category(evidence_file, longest, actor=custodian_client.user, reason="x")
    evidence_file.refresh_from_db()
    later = evidence_file.retain_until
    # Back to the default category by hand would shorten it; a longer period for the
    # default than before, yet shorter than the file's date, leaves the date alone.
    evidence_file.retention_category = category
    evidence_file.save(update_fields=["retention_category"])
    assert _save(category, custodian_client.user, retention_days=4 * 365).extended == 0
    evidence_file.refresh_from_db()
    assert evidence_file.retain_until == later


def test_another_default_takes_over_and_new_files_get_it(evidence_file, custodian_client):
    short = RetentionCategory.objects.get(name="Misdemeanor")
    _save(short, custodian_client.user, is_default=True)
    assert list(RetentionCategory.objects.filter(is_default=True)) == [short]
    assert processing.default_category() == short


def test_the_default_is_not_unset_but_replaced(custodian_client):
    default = RetentionCategory.objects.get(is_default=True)
    before = _categories()
    with pytest.raises(retention.RetentionError, match="make another category the default"):
        _save(default, custodian_client.user, is_default=False)
    assert _categories() == before
    assert not events("evidence.retention_category_changed")


def test_a_name_is_taken_whatever_its_case(custodian_client):
    before = _categories()
    with pytest.raises(retention.RetentionError, match="already a category named"):
        _save(None, custodian_client.user, name="misdemeanor")
    other = RetentionCategory.objects.get(name="Misdemeanor")
    with pytest.raises(retention.RetentionError, match="already a category named"):
        _save(other, custodian_client.user, name="HOMICIDE / MAJOR CRIME")
    assert _categories() == before


def test_saving_what_is_already_there_changes_nothing(custodian_client):
    category = RetentionCategory.objects.get(name="Misdemeanor")
    change = _save(category, custodian_client.user)
    assert change.changed == []
    assert not events("evidence.retention_category_changed")


@pytest.mark.parametrize("role", ["administrator", "program_coordinator", "deputy", "supervisor"])
def test_only_an_evidence_custodian_sets_retention_periods(staff_client, role):
    from django.core.exceptions import PermissionDenied

    user = staff_client(role).user
    category = RetentionCategory.objects.get(name="No evidentiary value")
    before = _categories()
    with pytest.raises(PermissionDenied):
        _save(category, user, retention_days=1)
    with pytest.raises(PermissionDenied):
        _save(None, user, name="Delete soon", retention_days=1, is_default=True)
    with pytest.raises(PermissionDenied):
        retention_categories.delete(category, actor=user, reason="x")
    assert _categories() == before


@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    days=st.one_of(
        st.integers(max_value=retention_categories.MIN_DAYS - 1),
        st.integers(min_value=retention_categories.MAX_DAYS + 1),
        st.booleans(),
        st.none(),
        st.text(max_size=12),
        st.floats(allow_nan=True),
    ),
    name=st.text(max_size=200),
    reason=st.text(max_size=600),
)
def test_out_of_range_input_is_refused_and_changes_nothing(custodian_client, days, name, reason):
    user = custodian_client.user  # never changed by an example: each one changes nothing
    before = _categories()
    with pytest.raises(retention.RetentionError):
        retention_categories.save(
            None,
            name=name,
            description="",
            retention_days=days,
            is_default=False,
            actor=user,
            reason=reason,
        )
    assert _categories() == before
    assert not events("evidence.retention_category_created")


def test_a_category_in_use_or_the_default_is_not_deleted(evidence_file, custodian_client):
    user = custodian_client.user
    before = _categories()
    with pytest.raises(retention.RetentionError, match="default category cannot be deleted"):
        retention_categories.delete(evidence_file.retention_category, actor=user, reason="x")
    used = RetentionCategory.objects.get(name="Misdemeanor")
    retention.change_category(evidence_file, used, actor=user, reason="Reviewed")
    # Even once the file is purged, its record keeps the category.
    with time_machine.travel(evidence_file.created_at + timedelta(days=800)):
        assert retention.purge_expired() == 1
    with pytest.raises(retention.RetentionError, match="cannot be deleted"):
        retention_categories.delete(used, actor=user, reason="x")
    assert _categories() == before


def test_an_unused_category_is_deleted_with_a_reason(custodian_client):
    user = custodian_client.user
    made = _save(None, user, name="Made by mistake").category
    with pytest.raises(retention.RetentionError, match="reason"):
        retention_categories.delete(made, actor=user, reason="  ")
    retention_categories.delete(made, actor=user, reason="Typo")
    assert not RetentionCategory.objects.filter(pk=made.pk).exists()
    event = one_event("evidence.retention_category_deleted")
    assert event.target_id == str(made.pk) and event.reason == "Typo"
    assert event.details["before"]["name"] == "Made by mistake"


# The retention pages (views.retention) --------------------------------------------------


def _post(client, url, **fields):
    data = {
        "name": "Traffic collision",
        "description": "",
        "retention_days": "730",
        "reason": "Records retention schedule",
        **fields,
    }
    return client.post(url, {k: v for k, v in data.items() if v is not None})


def test_the_retention_page_lists_the_categories_with_their_files(evidence_file, custodian_client):
    page = custodian_client.get(reverse("evidence:retention-categories"))
    assert page.status_code == 200
    html = page.content.decode()
    for category in RetentionCategory.objects.all():
        assert category.name in html
    assert "9,131 days" in html  # the homicide period, with its thousands
    rows = {row.category.name: row.files for row in retention_categories.listing()}
    assert rows[DEFAULT] == 1 and rows["Misdemeanor"] == 0
    index = custodian_client.get(reverse("evidence:index")).content.decode()
    assert reverse("evidence:retention-categories") in index


def test_adding_a_category_from_the_page_and_a_double_click(custodian_client):
    url = reverse("evidence:retention-category-new")
    response = _post(custodian_client, url, retention_days="1,095")
    assert response.status_code == 302
    assert RetentionCategory.objects.get(name="Traffic collision").retention_days == 1095
    again = _post(custodian_client, url, retention_days="1,095")
    assert again.status_code == 400
    assert "already a category named" in again.content.decode()
    assert RetentionCategory.objects.filter(name="Traffic collision").count() == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"retention_days": "0"}, "greater than or equal to 1"),
        ({"retention_days": "36601"}, "less than or equal to 36600"),
        ({"retention_days": "two years"}, "Enter a whole number"),
        ({"name": "   "}, "This field is required"),
        ({"reason": ""}, "This field is required"),
        ({"name": "x" * 101}, "at most 100 characters"),
    ],
)
def test_bad_input_on_the_page_is_explained_and_changes_nothing(custodian_client, fields, message):
    before = _categories()
    response = _post(custodian_client, reverse("evidence:retention-category-new"), **fields)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _categories() == before


def test_a_longer_period_from_the_page_names_the_files_it_extends(evidence_file, custodian_client):
    category = evidence_file.retention_category
    url = reverse("evidence:retention-category", kwargs={"pk": category.pk})
    page = custodian_client.get(url).content.decode()
    assert "1 file kept in this category now" in page
    assert reverse("evidence:retention-category-delete", kwargs={"pk": category.pk}) not in page
    response = _post(
        custodian_client,
        url,
        name=category.name,
        description=category.description,
        retention_days=str(category.retention_days + 10),
        is_default="on",
    )
    assert response.status_code == 302
    followed = custodian_client.get(response["Location"]).content.decode()
    assert "1 file(s) in it are now kept for the longer period" in followed
    report = custodian_client.get(
        reverse("evidence:file-custody", kwargs={"pk": evidence_file.pk})
    ).content.decode()
    assert f"its period is now {category.retention_days + 10} days" in report


def test_deleting_from_the_page(custodian_client):
    made = _save(None, custodian_client.user, name="Made by mistake").category
    url = reverse("evidence:retention-category", kwargs={"pk": made.pk})
    delete_url = reverse("evidence:retention-category-delete", kwargs={"pk": made.pk})
    assert delete_url in custodian_client.get(url).content.decode()
    refused = custodian_client.post(delete_url, {"delete-reason": ""})
    assert refused.status_code == 400
    assert RetentionCategory.objects.filter(pk=made.pk).exists()
    assert custodian_client.post(delete_url, {"delete-reason": "Typo"}).status_code == 302
    assert not RetentionCategory.objects.filter(pk=made.pk).exists()


def test_administrators_see_the_periods_but_cannot_change_them(administrator, custodian_client):
    category = RetentionCategory.objects.get(name="No evidentiary value")
    url = reverse("evidence:retention-category", kwargs={"pk": category.pk})
    before = _categories()
    assert administrator.get(reverse("evidence:retention-categories")).status_code == 403
    assert _post(administrator, url, name=category.name, retention_days="1").status_code == 403
    assert _categories() == before
    overview = administrator.get(reverse("settings:settings")).content.decode()
    assert "No evidentiary value 90 days" in overview
    assert reverse("evidence:retention-categories") not in overview


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "Major\x00crime"),
        ("name", "Kept\u202elong"),
        ("description", "a\x07b"),
        ("reason", "x\x00"),
    ],
)
def test_control_characters_are_refused(custodian_client, field, value):
    before = _categories()
    with pytest.raises(retention.RetentionError, match="control character"):
        _save(None, custodian_client.user, **{field: value})
    assert _categories() == before


@hypothesis_settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=st.text(max_size=120), days=st.text(max_size=8) | st.integers().map(str))
def test_whatever_a_name_and_period_the_page_answers_and_keeps_the_rules(
    custodian_client, name, days
):
    before = _categories()
    response = _post(
        custodian_client, reverse("evidence:retention-category-new"), name=name, retention_days=days
    )
    after = _categories()
    if response.status_code == 400:
        assert after == before
        return
    assert response.status_code == 302
    (added,) = set(after) - set(before)
    _pk, stored, _description, stored_days, is_default = added
    assert stored == " ".join(name.split()) and stored.isprintable()
    assert int(days.replace(",", "").replace(" ", "")) == stored_days
    assert retention_categories.MIN_DAYS <= stored_days <= retention_categories.MAX_DAYS
    assert not is_default


def test_the_page_lists_the_cases_whose_retention_ends_soon(evidence_file, custodian_client):
    from django.utils import timezone

    url = reverse("evidence:retention-categories")
    custody_url = reverse("evidence:case-custody", kwargs={"case_id": evidence_file.case_id})
    files = EvidenceFile.objects.filter(pk=evidence_file.pk)
    # (The staff session lives hours, not years: the file's date moves instead of the clock.)
    files.update(retain_until=timezone.now() + timedelta(days=31))
    page = custodian_client.get(url).content.decode()
    assert "No file's retention ends in the next 30 days." in page
    assert custody_url not in page
    ends = timezone.now() + timedelta(days=10)
    files.update(retain_until=ends)
    (row,) = retention_categories.ending_soon()
    assert (row.case, row.files, row.first_end) == (evidence_file.case, 1, ends)
    assert row.categories == (DEFAULT,)
    page = custodian_client.get(url).content.decode()
    assert custody_url in page and ends.strftime("%Y-%m-%d") in page
    assert evidence_file.original_name not in page  # counts and dates only
    # Once purged, it is gone from the list.
    with time_machine.travel(ends + timedelta(days=1)):
        assert retention.purge_expired() == 1
        assert retention_categories.ending_soon() == []
