"""Caching of configuration that every request reads (the agency, the current terms).

Two layers, one way to use them:

- the shared cache (Django's `cache`, the database cache by default) keeps a value
  between requests and between processes, until it is forgotten or times out;
- a per-request memo in front of it answers repeated reads within one request (or one
  task) without asking the shared cache again. It lives only inside `request_scope()`,
  which `camreg.web.middleware.RequestCacheMiddleware` opens around every request;
  outside a scope (management commands, tests calling services) every read goes to the
  shared cache.

A value computed inside a transaction goes to the shared cache when the transaction
commits, never before. `forget` drops a key from both, and once more when the current
transaction commits, so a request running alongside cannot put the old value back in the
shared cache from a read made before the change was committed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction

T = TypeVar("T")

_memo: ContextVar[dict | None] = ContextVar("camreg_request_memo", default=None)


@contextmanager
def request_scope() -> Iterator[None]:
    """Values read through `shared` inside this block are read at most once."""
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def shared(key: str, compute: Callable[[], T], timeout: int) -> T:
    """The value under `key`: from this request's memo, the shared cache, or `compute()`.

    `compute()` may return None; that is cached too.
    """
    memo = _memo.get()
    if memo is not None and key in memo:
        return memo[key]
    boxed = cache.get(key)
    if boxed is None:
        boxed = (compute(),)  # boxed, so that a computed None is not taken for a miss
        # Shared only once committed: a value read inside a transaction that is later rolled
        # back must not outlive it (outside a transaction this runs at once).
        transaction.on_commit(lambda: cache.set(key, boxed, timeout))
    if memo is not None:
        memo[key] = boxed[0]
    return boxed[0]


def forget(key: str) -> None:
    """Drop `key` now and again after the current transaction commits."""
    memo = _memo.get()
    if memo is not None:
        memo.pop(key, None)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))
