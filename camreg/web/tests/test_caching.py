"""camreg.caching: the per-request memo in front of the shared cache, and forgetting."""

import pytest
from django.core.cache import cache
from django.db import transaction

from camreg import caching

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


def test_a_value_read_in_a_rolled_back_transaction_is_never_shared():
    source = Source("uncommitted", "committed")
    with pytest.raises(RuntimeError), transaction.atomic():
        assert caching.shared(KEY, source, 60) == "uncommitted"
        raise RuntimeError
    assert cache.get(KEY) is None
    assert caching.shared(KEY, source, 60) == "committed"
    assert cache.get(KEY) == ("committed",)
