import time
import pytest
from .browser import axe_violations
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

def test_timing(new_page):
    for path in ["/faq/", "/register/", "/faq/"]:
        page = new_page("desktop")
        t = time.time(); page.goto(path); t1 = time.time()
        axe_violations(page); t2 = time.time()
        axe_violations(page); t3 = time.time()
        print(path, round(t1-t,3), round(t2-t1,3), round(t3-t2,3))
