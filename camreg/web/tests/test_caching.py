"""camreg.caching: the per-request memo in front of the shared cache, and forgetting."""

import pytest
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse

from camreg import caching
from camreg.agency import services as agency_services
from camreg.registry import services as registry_services

# Committed at once, as in production (values computed in a transaction are shared when
# it commits, and a test's own transaction never commits).
pytestmark = pytest.mark.django_db(transaction=True)

KEY = "test:caching:value"


class Source:
    def __init__(self, *values):
        self.values = list(values)
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return self.values.pop(0)


def test_outside_a_request_every_read_asks_the_shared_cache():
    source = Source("first", "second")
    assert caching.shared(KEY, source, 60) == "first"
    assert caching.shared(KEY, source, 60) == "first"  # from the shared cache
    cache.delete(KEY)
    assert caching.shared(KEY, source, 60) == "second"
    assert source.calls == 2


def test_inside_a_request_a_value_is_read_once():
    source = Source("first", "second")
    with caching.request_scope():
        assert caching.shared(KEY, source, 60) == "first"
        cache.delete(KEY)  # another process changed it: this request keeps what it read
        assert caching.shared(KEY, source, 60) == "first"
    with caching.request_scope():  # the next request reads again
        assert caching.shared(KEY, source, 60) == "second"
    assert source.calls == 2


def test_none_is_cached_like_any_value():
    source = Source(None, "later")
    assert caching.shared(KEY, source, 60) is None
    assert caching.shared(KEY, source, 60) is None
    assert source.calls == 1


def test_forget_clears_the_memo_and_the_shared_cache():
    source = Source("old", "new")
    with caching.request_scope():
        assert caching.shared(KEY, source, 60) == "old"
        caching.forget(KEY)
        assert caching.shared(KEY, source, 60) == "new"


def test_forget_clears_again_when_the_change_commits():
    """A request that read the old row before the commit cannot leave it cached."""
    with transaction.atomic():
        caching.forget(KEY)
        cache.set(KEY, ("stale, cached by a request running alongside",), 60)
    assert cache.get(KEY) is None


def test_a_request_reads_the_agency_once(client, django_assert_num_queries):
    cache.clear()
    agency_services.current()  # the row exists
    cache.clear()
    # The middleware, the context processor and the view all ask for the agency: one query.
    with django_assert_num_queries(1, exact=False) as context:
        client.get(reverse("web:home"))
    agency_queries = [q for q in context.captured_queries if "agency_agency" in q["sql"]]
    assert len(agency_queries) == 1


def test_published_terms_show_at_once(client):
    assert "Terms v2" not in client.get(reverse("registry:register")).content.decode()
    version = registry_services.create_terms_draft(
        {"en": {"title": "Terms v2", "body": "New."}, "es": {"title": "T v2", "body": "N."}}
    )
    registry_services.publish_terms(version)
    assert "Terms v2" in client.get(reverse("registry:register")).content.decode()


def test_a_request_fetches_the_known_keys_in_one_round_trip(monkeypatch):
    first, second = Source("A"), Source("B")
    caching.shared("test:caching:a", first, 60)  # both known to this process, both cached
    caching.shared("test:caching:b", second, 60)
    calls = []

    class Counting:
        def get(self, key, *args, **kwargs):
            calls.append(key)
            return cache.get(key, *args, **kwargs)

        def get_many(self, keys, **kwargs):
            calls.append(set(keys))
            return cache.get_many(keys, **kwargs)

    monkeypatch.setattr(caching, "cache", Counting())
    with caching.request_scope():
        assert caching.shared("test:caching:a", first, 60) == "A"
        assert caching.shared("test:caching:b", second, 60) == "B"
    assert len(calls) == 1 and {"test:caching:a", "test:caching:b"} <= calls[0]
    assert first.calls == second.calls == 1


def test_a_value_read_in_a_rolled_back_transaction_is_never_shared():
    source = Source("uncommitted", "committed")
    with pytest.raises(RuntimeError), transaction.atomic():
        assert caching.shared(KEY, source, 60) == "uncommitted"
        raise RuntimeError
    assert cache.get(KEY) is None
    assert caching.shared(KEY, source, 60) == "committed"
    assert cache.get(KEY) == ("committed",)
