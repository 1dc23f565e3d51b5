"""Test support: everything the test folders share, in one place.

Test modules and conftest.py files import helpers from here and never from a conftest or another
test module. The modules with fixtures are plugins, loaded by ``pytest_plugins`` in
``tests/conftest.py``; a folder's conftest.py keeps only the fixtures used in that folder.

paths          where things are (project root, virtualenv, ../shared/jira-fixtures) and ``unavailable``:
               skip when something the test needs is missing, fail instead when CI=true
apps           TEST_SETTINGS, make_app, single_user_app, LiveServer; fixtures app, client, jira_http, serve
sandbox        the sandbox controller: info, users, reset, faults, stats, OAuth stats, config, Jira as its
               admin, directory users' auth headers; fixtures sandbox_server, sandbox
oauth          multi_user settings and apps, signing in through the sandbox, reading and planting token records
writers        Writer, make_writer and make_person: a client signed in as the sandbox's admin (or a named user) in either mode
forms          page, form_token, once_token, comment_form, form_data
processes      free_port, eventually/wait_until, controlled environments, Process, LineReader, start_gunicorn,
               start_app (app_process.py in a process of its own); fixture processes
redis_servers  quick_redis, RedisServer; fixtures machine_redis, key_prefix, redis_client, redis_server
clock          FakeClock
quota          use_clock, sandbox_quota; fixture shared_clock (the sandbox's quota and the app's ledger on one FakeClock)
documents      ADF builders (doc, para, text, item, link, marks, adf)
stubs          small Jira replies for stubbed-HTTP tests (API, ISSUE, issues_page, EMPTY_PROJECTS)
boards         card_html, move_form, column_keys, flashes: a board card's move form, a column's cards, flashed messages
work           count_calls and peak_bytes: bounds on work instead of wall-clock time (speed lives in bench/)
network        a company network on loopback: ConnectProxy, TlsFront (a CA of the test's own), make_certificates;
               fixtures fake_dns, connect_proxy, tls_sandbox
routing        no fixtures: URL rules' builders compiled once per run, not once per app (most of create_app's time)
"""
