"""bench/sample_page.py reads py-spy's collapsed stacks into shares per function."""

from __future__ import annotations

from bench.sample_page import report, shares

COLLAPSED = """\
_worker (/usr/lib/python3.11/concurrent/futures/thread.py:83);render (/v/site-packages/jinja2/environment.py:1295);escape (/v/site-packages/markupsafe/__init__.py:40) 3
_worker (/usr/lib/python3.11/concurrent/futures/thread.py:83);render (/v/site-packages/jinja2/environment.py:1295) 1
_worker (/usr/lib/python3.11/concurrent/futures/thread.py:83);loads (/app/jira_client/api/json_body.py:30) 4
"""


def test_each_function_counts_once_per_stack_with_what_it_calls_and_alone_where_the_stack_ends():
    total, inclusive, own = shares(COLLAPSED)

    assert total == 8
    assert inclusive["_worker (/usr/lib/python3.11/concurrent/futures/thread.py)"] == 8
    assert inclusive["render (jinja2/environment.py)"] == 4
    assert own == {"escape (markupsafe/__init__.py)": 3, "render (jinja2/environment.py)": 1,
                   "loads (/app/jira_client/api/json_body.py)": 4}


def test_the_report_gives_percentages_of_the_samples():
    text = report("/p", COLLAPSED, top=2)

    assert "/p: 8 samples" in text
    assert " 50.0%  loads (/app/jira_client/api/json_body.py)" in text
    assert " 37.5%  escape (markupsafe/__init__.py)" in text
