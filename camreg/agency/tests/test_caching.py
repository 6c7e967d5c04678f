"""The agency's settings are read once per request (camreg.caching)."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from camreg.agency import services as agency_services

# Committed at once, as in production (values computed in a transaction are shared when
# it commits, and a test's own transaction never commits).
pytestmark = pytest.mark.django_db(transaction=True)


def test_a_request_reads_the_agency_once(client, django_assert_num_queries):
    cache.clear()
    agency_services.current()  # the row exists
    cache.clear()
    # The middleware, the context processor and the view all ask for the agency: one query.
    with django_assert_num_queries(1, exact=False) as context:
        client.get(reverse("public:home"))
    agency_queries = [q for q in context.captured_queries if "agency_agency" in q["sql"]]
    assert len(agency_queries) == 1
