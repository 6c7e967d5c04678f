"""Retention periods in the console: the categories, and an evidence custodian's changes to
them. Thin: check the permission, call services.retention_categories, render."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from camreg.accounts.roles import Permission, permission_required
from camreg.web.forms import UswdsFormMixin

from ..models import RetentionCategory
from ..services import retention_categories as categories
from ..services.reading import REASON_MAX
from ..services.retention import RetentionError


class DaysField(forms.IntegerField):
    """Whole days; "1,095" or "1 095" as written in a schedule are read as 1095."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace(",", "").replace(" ", "").replace("\u00a0", "")
        return super().to_python(value)


class ReasonField(forms.CharField):
    def __init__(self, label: str = "Reason for the change", **kwargs):
        super().__init__(
            label=label,
            max_length=REASON_MAX,
            widget=forms.Textarea(attrs={"rows": 2}),
            **kwargs,
        )


class CategoryForm(UswdsFormMixin, forms.Form):
    name = forms.CharField(label="Name", max_length=categories.NAME_MAX)
    description = forms.CharField(
        label="Description",
        required=False,
        max_length=categories.DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What belongs in this category, for the custodians who choose it.",
    )
    retention_days = DaysField(
        label="Kept for (days)",
        min_value=categories.MIN_DAYS,
        max_value=categories.MAX_DAYS,
        help_text=(
            "Counted from the day a file is received. A year is 365 days, three years 1,095, "
            "25 years 9,131."
        ),
    )
    is_default = forms.BooleanField(
        label="The default: files received from now on get this category",
        required=False,
    )
    reason = ReasonField(
        help_text=(
            "Kept in the audit log, and on the custody record of every file a longer period "
            "keeps longer; for example “Records retention schedule, resolution 2027-14”."
        ),
    )

    @classmethod
    def of(cls, category: RetentionCategory) -> CategoryForm:
        return cls(
            initial={
                "name": category.name,
                "description": category.description,
                "retention_days": category.retention_days,
                "is_default": category.is_default,
            }
        )


class DeleteForm(UswdsFormMixin, forms.Form):
    reason = ReasonField(label="Reason for deleting it", help_text="Kept in the audit log.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="delete", **kwargs)


def _save(request: HttpRequest, category: RetentionCategory | None, form: CategoryForm):
    """The form's change saved (a redirect), or None with the refusal on the form."""
    if not form.is_valid():
        return None
    data = form.cleaned_data
    try:
        change = categories.save(
            category,
            name=data["name"],
            description=data["description"],
            retention_days=data["retention_days"],
            is_default=data["is_default"],
            actor=request.user,
            reason=data["reason"],
            request=request,
        )
    except RetentionError as error:
        form.add_error(None, error.message)
        return None
    if category is None:
        messages.success(request, f"Category “{change.category.name}” added.")
    elif not change.changed:
        messages.info(request, "Nothing changed.")
    elif change.extended:
        messages.success(
            request,
            f"Category “{change.category.name}” saved. {change.extended:,} file(s) in it are "
            "now kept for the longer period; each one's custody record says so.",
        )
    else:
        messages.success(request, f"Category “{change.category.name}” saved.")
    return redirect("evidence:retention-categories")


def _form_page(request, form, category=None, delete_form=None, status=200) -> HttpResponse:
    errors = form.error_summary()
    if delete_form is not None and delete_form.is_bound:
        errors += delete_form.error_summary()
    return render(
        request,
        "evidence/retention/category.html",
        {
            "form": form,
            "errors": errors,
            "category": category,
            "files": categories.files_kept(category) if category is not None else 0,
            "delete_form": delete_form,
            "deletable": category is not None
            and not category.is_default
            and not category.evidence_files.exists(),
        },
        status=400 if errors else status,
    )


@never_cache
@permission_required(Permission.EVIDENCE)
@require_GET
def category_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "evidence/retention/categories.html",
        {
            "rows": categories.listing(),
            "ending": categories.ending_soon(),
            "ending_days": categories.ENDING_DAYS,
        },
    )


@never_cache
@permission_required(Permission.EVIDENCE)
@require_http_methods(["GET", "POST"])
def category_new(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = CategoryForm(request.POST)
        return _save(request, None, form) or _form_page(request, form)
    return _form_page(request, CategoryForm())


@never_cache
@permission_required(Permission.EVIDENCE)
@require_http_methods(["GET", "POST"])
def category_edit(request: HttpRequest, pk: int) -> HttpResponse:
    category = get_object_or_404(RetentionCategory, pk=pk)
    if request.method == "POST":
        form = CategoryForm(request.POST)
        return _save(request, category, form) or _form_page(request, form, category, DeleteForm())
    return _form_page(request, CategoryForm.of(category), category, DeleteForm())


@never_cache
@permission_required(Permission.EVIDENCE)
@require_POST
def category_delete(request: HttpRequest, pk: int) -> HttpResponse:
    category = get_object_or_404(RetentionCategory, pk=pk)
    delete_form = DeleteForm(request.POST)
    if delete_form.is_valid():
        try:
            categories.delete(
                category,
                actor=request.user,
                reason=delete_form.cleaned_data["reason"],
                request=request,
            )
        except RetentionError as error:
            delete_form.add_error(None, error.message)
        else:
            messages.success(request, f"Category “{category.name}” deleted.")
            return redirect("evidence:retention-categories")
    return _form_page(request, CategoryForm.of(category), category, delete_form)
