import uuid

import pytest


@pytest.fixture(autouse=True)
def _own_cache_keys(settings) -> None:
    # The throttle's counts live in the shared cache (Redis on CI): give every test
    # keys of its own instead of flushing what other processes keep there.
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    }
