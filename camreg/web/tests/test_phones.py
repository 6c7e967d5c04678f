"""One phone format everywhere: (661) 555-0374, dialled as tel:+16615550374."""

import pytest
from django.template import Context, Template

from camreg.web import phones


@pytest.mark.parametrize(
    ("stored", "shown", "dialled"),
    [
        ("+16615550374", "(661) 555-0374", "+16615550374"),
        ("661-555-0374", "(661) 555-0374", "+16615550374"),
        ("(661) 555 0374", "(661) 555-0374", "+16615550374"),
        ("+525512345678", "+52 55 1234 5678", "+525512345678"),
        ("ext. 12", "ext. 12", ""),
        ("", "", ""),
    ],
)
def test_national_and_e164(stored, shown, dialled):
    assert phones.national(stored) == shown
    assert phones.e164(stored) == dialled


def render(text: str, **context) -> str:
    return Template("{% load phones %}" + text).render(Context(context))


def test_the_filter_links_the_number():
    html = render("{{ n|phone }}", n="+16615550374")
    assert html == '<a href="tel:+16615550374" class="phone-link">(661) 555-0374</a>'
    assert render('{{ n|phone:"text" }}', n="+16615550374") == "(661) 555-0374"
    assert render("{{ n|phone }}", n="") == ""
    assert render("{{ n|phone }}", n="<b>call</b>") == "&lt;b&gt;call&lt;/b&gt;"
