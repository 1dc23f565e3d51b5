"""Who exists in the sandbox: sites, people and the registered OAuth client.

Fixed values, so tests, benchmarks and the demo can name them. The account ids follow
Jira Cloud's ``712020:<uuid>`` shape and cloud ids are UUIDs, as accessible-resources returns.
"""

SITES = [
    {
        "id": "11111111-2222-4333-8444-555555555501",
        "name": "acme",
        "url": "https://acme.atlassian.net",
    },
    {
        "id": "11111111-2222-4333-8444-555555555502",
        "name": "globex",
        "url": "https://globex.atlassian.net",
    },
]
SITE_IDS = [site["id"] for site in SITES]

# Projects live on a site; a person may browse a project when it is on one of their sites and
# listed in their "projects". Keys are shared knowledge with the seed data (sandbox/seed.py).
PROJECT_SITES = {
    "ACME": SITE_IDS[0],  # the big one: 250+ issues
    "OPS": SITE_IDS[0],
    "WEB": SITE_IDS[0],
    "GLOBX": SITE_IDS[1],
}

USERS = [
    {
        "name": "admin",
        "display_name": "Ada Admin",
        "email": "admin@sandbox.test",
        "api_token": "sandbox-admin-api-token",
        "password": "admin",
        "account_id": "712020:00000000-0000-4000-8000-0000000000ad",
        "sites": [SITE_IDS[0]],
        "projects": ["ACME", "OPS", "WEB"],
        "read_only": [],
        "admin": True,
    },
    {
        "name": "alice",
        "display_name": "Alice Anders",
        "email": "alice@sandbox.test",
        "api_token": "sandbox-alice-api-token",
        "password": "alice",
        "account_id": "712020:00000000-0000-4000-8000-00000000a11c",
        "sites": SITE_IDS,
        "projects": ["ACME", "OPS", "GLOBX"],
        "read_only": [],
        "admin": False,
    },
    {
        "name": "bob",
        "display_name": "Bob Brown",
        "email": "bob@sandbox.test",
        "api_token": "sandbox-bob-api-token",
        "password": "bob",
        "account_id": "712020:00000000-0000-4000-8000-000000000b0b",
        "sites": [SITE_IDS[0]],
        "projects": ["OPS", "WEB"],
        "read_only": ["WEB"],  # may browse and comment, but not edit, transition, assign or create
        "admin": False,
    },
]

OAUTH_CLIENT = {
    "client_id": "sandbox-client-id",
    "client_secret": "sandbox-client-secret",
    "redirect_uris": [
        "http://localhost:5000/auth/callback",
        "http://127.0.0.1:5000/auth/callback",
    ],
}


# A crowd of generated people for load simulations (bench/crowd.py): they sign in like the others
# (``login_hint=crowd07``) and browse ACME, OPS and WEB on acme, but no page or list offers them
# (the consent page, assignable-user search and /_sandbox/info's "users" name only USERS above).
CROWD_SIZE = 60
CROWD = [
    {
        "name": f"crowd{n:02d}",
        "display_name": f"Crowd Member {n:02d}",
        "email": f"crowd{n:02d}@sandbox.test",
        "api_token": f"sandbox-crowd{n:02d}-api-token",
        "password": f"crowd{n:02d}",
        "account_id": f"712020:00000000-0000-4000-8000-0000000c{n:04d}",
        "sites": [SITE_IDS[0]],
        "projects": ["ACME", "OPS", "WEB"],
        "read_only": [],
        "admin": False,
    }
    for n in range(1, CROWD_SIZE + 1)
]


def user_by(field: str, value: str) -> dict | None:
    """Return the user (or crowd member) whose ``field`` equals ``value`` (case-insensitive for e-mail), or None."""
    for user in (*USERS, *CROWD):
        if field == "email" and user["email"].lower() == (value or "").lower():
            return user
        if user.get(field) == value:
            return user
    return None


# Site-style calls (``/rest/api/3/...`` with basic auth) act on this site, as if the sandbox's
# own URL were ``https://acme.atlassian.net``; gateway calls name their site in the path.
HOME_SITE_ID = SITE_IDS[0]


def may_edit(user: dict, project_key: str) -> bool:
    """Return whether ``user`` may change issues in a project they can browse (not just read them)."""
    return project_key not in user.get("read_only", ())


def visible_project_keys(user: dict, cloud_id: str) -> list[str]:
    """Return the keys of the projects on site ``cloud_id`` that ``user`` may browse."""
    if cloud_id not in user["sites"]:
        return []
    return [key for key in user["projects"] if PROJECT_SITES.get(key) == cloud_id]
