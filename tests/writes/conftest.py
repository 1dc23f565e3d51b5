"""Write tests: the app against the live sandbox, in single_user and multi_user.

``writer`` is a client signed in as the sandbox's admin (the person the writes act as) in each
mode, ``single`` the same in single_user only. The helpers the tests use to read the sandbox as its
admin, fill forms and count write calls are in tests/support (sandbox, forms, writers).
"""

from __future__ import annotations

import pytest

from tests.support.writers import MODES, Writer, make_writer


@pytest.fixture(params=MODES)
def writer(request, sandbox, tmp_path) -> Writer:
    return make_writer(request.param, sandbox, tmp_path)


@pytest.fixture
def single(sandbox, tmp_path) -> Writer:
    return make_writer("single_user", sandbox, tmp_path)
