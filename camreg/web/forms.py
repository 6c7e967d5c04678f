"""One way to render and report form errors everywhere: USWDS markup, errors that name the field."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _


class UswdsRenderer(TemplatesSetting):
    form_template_name = "web/forms/form.html"
    field_template_name = "web/forms/field.html"


_WIDGET_CLASSES = {
    forms.Select: "usa-select",
    forms.Textarea: "usa-textarea",
    forms.ClearableFileInput: "usa-file-input",
    forms.FileInput: "usa-file-input",
}


if TYPE_CHECKING:
    # What the mixin is mixed into, so that checkers know self.fields, self.errors, ...
    _FormBase = forms.BaseForm
else:
    _FormBase = object


class UswdsFormMixin(_FormBase):
    """Adds USWDS classes and helpful, field-naming error messages.

    `show_errors` lets a form be re-rendered with the person's input (after "add a camera")
    without shouting about fields they have not reached yet.
    """

    show_errors = True
    # Error messages written as sentences that name their field ("Enter your full name."):
    # shown alone, without the label before them. A required field without its own message
    # gets "Fill in “<label>”.".
    errors_as_sentences = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.CheckboxSelectMultiple, forms.RadioSelect)):
                continue
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "usa-checkbox__input")
                continue
            if isinstance(widget, forms.HiddenInput):
                continue
            css = next(
                (c for t, c in _WIDGET_CLASSES.items() if isinstance(widget, t)), "usa-input"
            )
            widget.attrs.setdefault("class", css)
            field.error_messages.setdefault("required", _("This field is required."))
        if self.errors_as_sentences:
            django_default = forms.Field.default_error_messages["required"]
            for field in self.fields.values():
                if field.error_messages.get("required") is django_default:
                    field.error_messages["required"] = format_lazy(
                        _("Fill in “{label}”."), label=field.label
                    )

    def full_clean(self) -> None:
        super().full_clean()
        if not self.show_errors:
            return
        for name in self.errors:
            if name in self.fields:
                bound = self[name]
                attrs = self.fields[name].widget.attrs
                attrs["aria-invalid"] = "true"
                described = attrs.get("aria-describedby", "")
                if self.fields[name].help_text and not described:
                    described = f"{bound.auto_id}_helptext"
                error_id = f"{bound.auto_id}-error-1"
                if error_id not in described:
                    attrs["aria-describedby"] = f"{described} {error_id}".strip()

    def error_summary(self) -> list[tuple[str, str, str]]:
        """(element id, field label, message) for every error, in field order."""
        items: list[tuple[str, str, str]] = []
        if not self.show_errors or not self.is_bound:
            return items
        for error in self.non_field_errors():
            items.append(("", "", str(error)))
        for name, field in self.fields.items():
            bound = self[name]
            label = "" if self.errors_as_sentences else str(field.label)
            for error in bound.errors:
                items.append((bound.id_for_label or bound.auto_id, label, str(error)))
        return items


class HoneypotField(forms.CharField):
    """A field people never see or fill; bots do."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Leave this field empty"))
        widget = forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"})
        super().__init__(widget=widget, **kwargs)
