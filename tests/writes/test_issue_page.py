"""The issue page as Jira users expect it (#18): every field with a value, the status button, the
comment order, nothing changed by accident; in both modes against the sandbox."""

from __future__ import annotations

import re

from tests.support.forms import form_data, page
from tests.support.sandbox import admin_get, reset_stats, sandbox_stats


def details(html: str) -> dict[str, str]:
    """Return the Details section as name -> text."""
    section = html[html.index('<dl class="details">'):html.index("</dl>", html.index('<dl class="details">'))]
    pairs = re.findall(r"<dt>(.*?)</dt>\s*<dd[^>]*>(.*?)</dd>", section, re.S)
    return {name: re.sub(r"<[^>]+>|\s+", " ", value).strip() for name, value in pairs}


def test_every_field_with_a_value_is_shown_by_its_name(writer, sandbox):
    ops = details(page(writer.client, "/issues/OPS-4"))
    acme = details(page(writer.client, "/issues/ACME-4"))
    acme_points = details(page(writer.client, "/issues/ACME-1"))

    assert ops["Severity"] == "Major" and ops["Region"] == "US › Oregon"
    assert acme["Customer reference"] == "CUST-7849" and acme["Fix versions"] == "1.1"
    assert acme_points["Story point estimate"] == "8"
    assert "Summary" not in ops and "Status" not in ops  # shown in their own places


def test_a_value_of_an_unknown_shape_is_shown_as_text_never_left_out():
    from jira_client.api.field_values import details as read

    found = read({"customfield_1": {"weird": [1, 2]}, "customfield_2": 0, "customfield_3": None},
                 {"customfield_1": "App field", "customfield_2": "Zero"}, {})
    assert [(f.name, f.text) for f in found] == [("App field", '{"weird": [1, 2]}'), ("Zero", "0")]


def test_the_status_button_offers_every_transition_but_the_one_to_where_the_issue_is(writer, sandbox):
    html = page(writer.client, "/issues/ACME-1")  # In Progress
    menu = html[html.index('<details class="status-menu">'):html.index("</details>")]
    assert "In Progress" in menu.split("</summary>")[0]  # the button shows the status
    choices = menu.split("</summary>")[1]
    assert "To Do" in choices and "Done…" in choices and ">In Progress<" not in choices
    assert "<h2>Workflow</h2>" not in html


def test_an_unchanged_priority_sends_nothing_and_says_so(writer, sandbox):
    action = "/issues/ACME-1/priority"
    form = form_data(page(writer.client, action), action)  # the current priority starts chosen
    reset_stats(sandbox)
    answer = writer.client.post(action, data=form, follow_redirects=True)
    assert "Nothing changed" in answer.get_data(as_text=True) and "Priority changed." not in answer.get_data(as_text=True)
    assert not [r for r in sandbox_stats(sandbox)["requests"] if r["method"] == "PUT"]


def test_after_editing_a_comment_one_lands_on_the_page_that_holds_it(writer, sandbox):
    page(writer.client, "/issues/ACME-42/edit")  # single_user in tests learns who is here from a write form
    html = page(writer.client, "/issues/ACME-42?order=oldest&comments=50")  # 80 comments: the second page
    edit = re.search(r'href="(/issues/ACME-42/comments/(\d+)/edit\?back=50)"', html)
    assert edit, "an own comment on the second page"
    action, comment_id = edit.group(1).replace("&amp;", "&"), edit.group(2)
    form = {**form_data(page(writer.client, action), action), "body": "Changed on page two"}
    answer = writer.client.post(action, data=form)
    assert answer.headers["Location"].endswith(f"/issues/ACME-42?comments=50#comment-{comment_id}")
    assert f'id="comment-{comment_id}"' in page(writer.client, answer.headers["Location"].split("#")[0])


def test_edit_in_place_gets_a_form_of_that_one_field(writer, sandbox):
    html = page(writer.client, "/issues/ACME-1")
    assert 'data-inline-form="/issues/ACME-1/edit?only=summary"' in html
    one = page(writer.client, "/issues/ACME-1/edit?only=summary")
    assert 'name="summary"' in one and 'name="description"' not in one
    action = "/issues/ACME-1/edit?only=summary"
    answer = writer.client.post(action, data={**form_data(one, action), "summary": "Renamed in place"})
    assert answer.status_code == 302
    fields = admin_get(sandbox, "issue/ACME-1")["fields"]
    assert fields["summary"] == "Renamed in place" and fields["description"]  # nothing else touched


def test_assign_to_me_is_offered_only_to_who_is_not_the_assignee(writer, sandbox):
    page(writer.client, "/issues/OPS-11/edit")  # single_user in tests learns who is here from a write form
    assert admin_get(sandbox, "issue/OPS-11")["fields"]["assignee"]["displayName"] == "Ada Admin"  # the admin: us
    assert "Assign to me" not in page(writer.client, "/issues/OPS-11")
    assert "Assign to me" in page(writer.client, "/issues/OPS-9")  # Bob's


def test_type_and_priority_icons_and_avatars_come_from_the_app_itself(writer, sandbox):
    html = page(writer.client, "/issues/OPS-4")
    sources = re.findall(r'<img[^>]+src="([^"]+)"', html)
    assert sources and all(src.startswith("/static/icons/") for src in sources)
    assert re.search(r'<span class="avatar tone-\d" aria-hidden="true">[A-Z]{1,2}</span>', html)
