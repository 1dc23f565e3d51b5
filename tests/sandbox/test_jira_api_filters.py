"""Saved filters in the sandbox: who sees which, favourites per person, search, saving, starring, faults."""

import pytest

from sandbox import directory
from sandbox.jira_filters import NAME_REQUIRED, NAME_TAKEN, UNAVAILABLE
from tests.support.sandbox import HOME_SITE, basic_headers, bearer_headers

NOT_AVAILABLE = {"errorMessages": [UNAVAILABLE], "errors": {}}
ALICE = directory.user_by("name", "alice")["account_id"]


def names(filters) -> list[str]:
    return [f["name"] for f in filters]


def test_favourites_are_each_persons_own(api):
    assert names(api.get("filter/favourite", user="admin").get_json()) == ["ACME bugs", "My open issues"]
    assert names(api.get("filter/favourite", user="alice").get_json()) == ["ACME bugs", "Reported by me"]
    assert names(api.get("filter/favourite", user="bob").get_json()) == ["Ops this fortnight"]


def test_a_filter_is_seen_by_its_owner_and_those_it_is_shared_with(api):
    visible = {user: names(api.get("filter/search", user=user).get_json()["values"]) for user in ("admin", "alice", "bob")}
    assert visible["admin"] == ["ACME bugs", "Highest priority", "My open issues", "Ops this fortnight"]
    assert visible["alice"] == ["ACME bugs", "Highest priority", "Ops this fortnight", "Reported by me"]  # not Globex's
    assert visible["bob"] == ["Highest priority", "Ops this fortnight"]
    assert api.get("filter/10004", user="bob").get_json() == NOT_AVAILABLE  # alice's private one: a 400, as Jira
    assert api.get("filter/10004", user="bob").status_code == 400


def test_the_other_site_has_its_own_filters(client, fake_identity):
    globex = directory.SITE_IDS[1]
    token = fake_identity.token_for("alice")
    found = client.get(f"/ex/jira/{globex}/rest/api/3/filter/favourite", headers=bearer_headers(token)).get_json()
    assert names(found) == ["Globex open work"]


def test_search_returns_id_name_and_self_unless_expanded(api):
    plain = api.get("filter/search", user="admin", query_string={"filterName": "bugs"}).get_json()
    assert plain["total"] == 1 and set(plain["values"][0]) == {"expand", "self", "id", "name"}
    expanded = api.get("filter/search", user="admin", query_string={
        "filterName": "bugs", "expand": "owner,jql,favourite,sharePermissions"}).get_json()["values"][0]
    assert expanded["owner"]["accountId"] == ALICE and expanded["jql"].startswith("project = ACME")
    assert expanded["favourite"] is True and expanded["sharePermissions"][0]["project"]["key"] == "ACME"


@pytest.mark.parametrize("params, found", [
    ({"filterName": "ops"}, ["Ops this fortnight"]),
    ({"filterName": "pri", "isSubstringMatch": "true"}, ["Highest priority"]),
    ({"filterName": "iori"}, []),  # words match from their start unless a substring is asked for
    ({"accountId": ALICE}, ["ACME bugs"]),
    ({"id": "10003"}, ["Highest priority"]),
    ({"orderBy": "-name"}, ["Ops this fortnight", "My open issues", "Highest priority", "ACME bugs"]),
    ({"orderBy": "-favourite_count"}, ["ACME bugs", "My open issues", "Ops this fortnight", "Highest priority"]),
])
def test_search_narrows_and_orders(api, params, found):
    assert names(api.get("filter/search", user="admin", query_string=params).get_json()["values"]) == found


def test_search_pages(api):
    first = api.get("filter/search", user="admin", query_string={"maxResults": 3}).get_json()
    second = api.get("filter/search", user="admin", query_string={"maxResults": 3, "startAt": 3}).get_json()
    assert (first["isLast"], second["isLast"], first["total"]) == (False, True, 4)
    assert len(first["values"]) == 3 and len(second["values"]) == 1


@pytest.mark.parametrize("params", [{"orderBy": "colour"}, {"expand": "everything"}, {"maxResults": "x"},
                                    {"accountId": ALICE, "owner": "alice"}])
def test_search_refuses_what_jira_refuses(api, params):
    response = api.get("filter/search", user="admin", query_string=params)
    assert response.status_code == 400 and response.get_json()["errorMessages"]


def test_save_star_and_unstar(api):
    saved = api.post("filter", user="bob", json={"name": "Web bugs", "jql": 'project = WEB AND text ~ "crash"',
                                                  "description": "mine"}).get_json()
    assert saved["favourite"] is False and saved["sharePermissions"] == [] and saved["owner"]["displayName"] == "Bob Brown"
    assert api.get(f"filter/{saved['id']}", user="admin").status_code == 400  # private
    assert api.put(f"filter/{saved['id']}/favourite", user="bob").get_json()["favourite"] is True
    assert "Web bugs" in names(api.get("filter/favourite", user="bob").get_json())
    assert api.delete(f"filter/{saved['id']}/favourite", user="bob").get_json()["favourite"] is False
    assert "Web bugs" not in names(api.get("filter/favourite", user="bob").get_json())


@pytest.mark.parametrize("body, errors", [
    ({"name": " ", "jql": "project = WEB"}, {"filterName": NAME_REQUIRED}),
    ({"jql": "project = WEB"}, {"filterName": NAME_REQUIRED}),
    ({"name": "ops this FORTNIGHT", "jql": "project = OPS"}, {"filterName": NAME_TAKEN}),
    ({"name": "x" * 256, "jql": "project = OPS"}, {"filterName": "The filter name must not exceed 255 characters."}),
    ({"name": "Secret", "jql": "project = ACME"}, {"jql": "The value 'ACME' does not exist for the field 'project'."}),
])
def test_a_save_jira_refuses_says_which_field(api, body, errors):
    response = api.post("filter", user="bob", json=body)
    assert response.status_code == 400 and response.get_json() == {"errorMessages": [], "errors": errors}


def test_writing_filters_needs_the_write_scope(client, fake_identity):
    token = fake_identity.token_for("alice", scopes={"read:jira-work"})
    headers = bearer_headers(token)
    base = f"/ex/jira/{HOME_SITE}/rest/api/3"
    assert client.get(f"{base}/filter/favourite", headers=headers).status_code == 200
    assert client.post(f"{base}/filter", headers=headers, json={"name": "n", "jql": "project = ACME"}).status_code == 401
    assert client.put(f"{base}/filter/10001/favourite", headers=headers).status_code == 401


def test_a_star_on_a_filter_one_cannot_see_is_refused(api):
    assert api.put("filter/10004/favourite", user="bob").get_json() == NOT_AVAILABLE
    assert api.put("filter/99999/favourite", user="bob").status_code == 400


def test_reset_restores_the_seeded_filters(client):
    bob = basic_headers("bob")
    client.post("/rest/api/3/filter", headers=bob, json={"name": "Temp", "jql": "project = OPS"})
    client.delete("/rest/api/3/filter/10002/favourite", headers=bob)
    client.post("/_sandbox/reset")
    assert names(client.get("/rest/api/3/filter/favourite", headers=bob).get_json()) == ["Ops this fortnight"]
    assert "Temp" not in names(client.get("/rest/api/3/filter/search", headers=bob).get_json()["values"])


def test_filters_are_faulted_and_counted_like_every_route(client):
    client.post("/_sandbox/faults", json={"faults": [{"path": "filter/favourite", "status": 503, "count": 1}]})
    assert client.get("/rest/api/3/filter/favourite", headers=basic_headers("alice")).status_code == 503
    assert client.get("/rest/api/3/filter/favourite", headers=basic_headers("alice")).status_code == 200
    rows = client.get("/_sandbox/stats").get_json()["requests"]
    assert sum(r["count"] for r in rows if r["path"].endswith("/filter/favourite")) == 2
