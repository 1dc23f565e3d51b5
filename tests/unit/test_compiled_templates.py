"""The app's template code generator and context give stock Jinja's output, byte for byte.

``compiled_templates`` writes ``{{ }}`` output without ``markupsafe.escape`` for str, Markup and
int, a root's and a block's output into one list yielded once, includes that extend that list,
and decides what ``Context.call`` passes without Jinja's checks for plain callables. Each case
here renders with a stock ``jinja2.Environment(autoescape=True)`` and with the app's
``Environment`` configured the same, and compares: the output, or the error.
"""

from __future__ import annotations

import functools
import traceback

import pytest
from flask import Flask
from jinja2 import DictLoader, StrictUndefined, pass_context, pass_environment, pass_eval_context
from jinja2 import Environment as JinjaEnvironment
from markupsafe import Markup

from jira_client.web import compiled_templates
from jira_client.web.templating import Environment as AppEnvironment

LIBRARY = {
    "lib.html": (
        "LIB <&> {{ value }}"
        "{% macro hello(name, greeting='Hi') %}{{ greeting }}, {{ name }}!{% endmacro %}"
        "{% macro wrap(tag) %}<{{ tag }}>{{ caller() }}</{{ tag }}>{% endmacro %}"
        "{% macro wrap_each(items) %}{% for item in items %}[{{ caller(item, loop.index) }}]{% endfor %}{% endmacro %}"
        "{% macro spread(first) %}{{ first }}|{{ varargs | join('|') }}|{{ kwargs | dictsort }}{% endmacro %}"
        "{% macro peeks() %}{{ peek('value') }}{% endmacro %}"
    ),
    "base.html": (
        "<title>{% block title %}Base & co {{ value }}{% endblock %}</title>"
        "<main>{% block body %}[{{ value }}]{% endblock %}</main>"
        "{% for value in [value, '<loop>'] %}{% block row scoped %}<i>{{ value }}</i>{% endblock %}{% endfor %}"
    ),
    "child.html": (
        "{% extends 'base.html' %}{% import 'lib.html' as lib %}"
        "{% block title %}{{ super() }} > {{ value }}{% endblock %}"
        "{% block body %}{% set inner = value ~ '!' %}{{ super() }}{{ self.title() }}{{ peek('inner') }}"
        "{{ lib.hello(value) }}{{ shout(value) }}{% endblock %}"
        "{% block row %}{{ super() }}{{ peek('value') }}{% endblock %}"
    ),
    "part.html": "<p>{{ value }}</p>{{ peek('value') }}",
    "alone.html": "<p>{{ 6 * 7 }} & {{ '<' }}</p>",  # for includes without context: nothing of the includer's
    "includes.html": "<div>{% for n in [1, 2] %}{% include 'part.html' %}{{ n }}{% endfor %}</div>",
}

SHAPES = {
    "plain": "{{ value }}",
    "attribute": '<a title="{{ value }}" href="/x?q={{ value }}">{{ value }}</a>',
    "escape filter": "{{ value | e }}",
    "safe filter": "{{ value | safe }}",
    "string filter": "{{ value | string }}",
    "tilde": "{{ value ~ '&' ~ value }}|{{ '<' ~ value }}",
    "condition": "{{ value if value else '<none>' }}",
    "join": "{{ [value, '<', value] | join }}|{{ [value, value] | join(' & ') }}",
    "list": "{{ [value] }}",
    "set": "{% set copy = value %}{{ copy }}",
    "set block": "{% set captured %}<b>{{ value }}</b>{% endset %}{{ captured }}|{{ captured | length }}",
    "set block filtered": "{% set captured | upper %}<b>{{ value }}</b>{% endset %}{{ captured }}",
    "filter block": "{% filter upper %}<b>{{ value }}</b>{% endfilter %}",
    "macro": "{% import 'lib.html' as lib %}{{ lib.hello(value) }}{{ lib.hello(value, greeting=value) }}",
    "macro varargs": "{% import 'lib.html' as lib %}{{ lib.spread(value, value, '<', x=value, y='&') }}",
    "call block": "{% import 'lib.html' as lib %}{% call lib.wrap('em') %}{{ value }}&{% endcall %}",
    "call block args": (
        "{% import 'lib.html' as lib %}{% call(item, n) lib.wrap_each([value, '<']) %}{{ n }}:{{ item }}{% endcall %}"),
    "local macro": "{% macro m(x) %}<{{ x }}>{% endmacro %}{{ m(value) }}{{ m(m(value)) }}",
    "module": "{% import 'lib.html' as lib %}{{ lib }}",
    "module with context": "{% import 'lib.html' as lib with context %}{{ lib }}",
    "include": "{% include 'part.html' %}",
    "include in loop": "{% for value in [value, '&'] %}{% include 'part.html' %}{% endfor %}",
    "include in set": "{% set got %}{% include 'part.html' %}{% endset %}{{ got }}",
    "include in macro": "{% macro m() %}[{% include 'part.html' %}]{% endmacro %}{{ m() }}",
    "include in block": "{% extends 'base.html' %}{% block body %}{% include 'part.html' %}{% endblock %}",
    "include in include": "{% include 'includes.html' %}",
    "include without context": "{% include 'part.html' without context %}",
    "include missing": "{% include 'no-such.html' ignore missing %}{% include ['no-such.html', 'part.html'] ignore missing %}",
    "include a choice": "{% include ['no-such.html', 'part.html'] %}{% include 'p' ~ 'art.html' %}"
                        "{% set names = ['no-such.html', 'part.html'] %}{% include names %}",
    "include cut short": "{% for value in [value] %}{% include 'part.html' %}{% endfor %}{{ stop() }}",
    "extends": "{% extends 'child.html' %}",
    "extends after output": "<pre>{{ value }}</pre>{% extends 'base.html' %}<post>{{ value }}</post>",
    "extends maybe": "{% if value %}{% extends 'base.html' %}{% endif %}<own>{{ value }}</own>{% block body %}[{{ value }}]{% endblock %}",
    "extends with self": "{% extends 'base.html' %}{% block title %}{{ self.body() }}|{{ value }}{% endblock %}",
    "blocks without extends": "{% block one %}<{{ value }}>{% endblock %}{{ value }}{% block two scoped %}{{ self.one() }}{% endblock %}",
    "include without context in loop": "{% for n in [1, 2] %}{% include 'alone.html' without context %}{{ n }}{% endfor %}",
    "include in block without context": (
        "{% extends 'base.html' %}{% block body %}{% include 'alone.html' without context %}{{ value }}{% endblock %}"),
    "loop": "{% for item in [value, value, '<'] %}{{ loop.index }}{{ item }}{% if not loop.last %},{% endif %}{% endfor %}",
    "loop filter": "{% for item in [value, '', '<'] if item %}{{ item }}{% endfor %}",
    "with": "{% with inner = value ~ '<' %}{{ inner }}{% endwith %}",
    "loop else": "{% for item in [] %}{{ item }}{% else %}{{ value }}{% endfor %}",
    "recursive loop": "{% for item in [[value, [value]]] recursive %}({% if item is string %}{{ item }}{% else %}"
                      "{{ loop(item) }}{% endif %}){% endfor %}",
    "autoescape false": "{{ value }}{% autoescape false %}{{ value }}{% endautoescape %}{{ value }}",
    "autoescape flag": "{% autoescape flag %}{{ value }}{% set inner %}{{ value }}{% endset %}{{ inner }}{% endautoescape %}",
    "macro under autoescape false": (
        "{% autoescape false %}{% macro m(x) %}<{{ x }}>{% autoescape true %}<{{ x }}>{% endautoescape %}{% endmacro %}"
        "{{ m(value) }}{% endautoescape %}"),
    "macro called unescaped": "{% macro m(x) %}<{{ x }}>{% endmacro %}{% autoescape false %}{{ m(value) }}{% endautoescape %}",
    "macro result kept unescaped": (
        "{% macro m(x) %}<{{ x }}>{% endmacro %}{% set ns = namespace() %}"
        "{% autoescape false %}{% set ns.kept = m(value) %}{% endautoescape %}{{ ns.kept }}"),
    "pass context": "{{ peek('value') }}{% for other in [value] %}{% set mine = other %}{{ peek('mine') }}{% endfor %}",
    "pass environment": "{{ env_name(value) }}",
    "pass eval context": "{{ escaping(value) }}{% autoescape false %}{{ escaping(value) }}{% endautoescape %}",
    "callable objects": "{{ ctx_object(value) }}{{ plain_object(value) }}{{ holder.method(value) }}{{ holder.peek('value') }}",
    "builtins and classes": "{{ maxi([1, 3]) }}{{ table.get('k', value) }}{{ kind(value) }}{{ partial(value) }}",
    "stop iteration": "{{ stop() }}|{{ stop() is undefined }}",
    "namespace": "{% set ns = namespace(v=value) %}{% for i in [1] %}{% set ns.v = ns.v ~ i %}{% endfor %}{{ ns.v }}",
    "undefined": "[{{ nothing }}][{{ nothing | default(value) }}][{{ value.no_such_attribute }}]",
    "undefined attribute": "{{ nothing.attr }}",
    "undefined call": "{{ nothing() }}",
    "macro too many": "{% macro m(x) %}{{ x }}{% endmacro %}{{ m(value, value) }}",
    "macro unknown keyword": "{% macro m(x) %}{{ x }}{% endmacro %}{{ m(value, y=1) }}",
}


class Text(str):
    """A str subclass (escaped as its text)."""


class Loud(str):
    """A str subclass whose str() is not its text."""

    def __str__(self) -> str:
        return "<loud>" + self.upper()


class Snippet(str):
    """A str subclass with its own ``__html__``."""

    def __html__(self) -> str:
        return "<snippet>" + self


class Shouty(Markup):
    """A Markup subclass whose ``__html__`` is not itself."""

    def __html__(self) -> str:
        return Markup(str.upper(self))


class Count(int):
    """An int subclass whose str() needs escaping."""

    def __str__(self) -> str:
        return f"<{int(self)} & more>"


class Html:
    """An object with ``__html__`` (trusted) and a different ``__str__``."""

    def __html__(self) -> str:
        return "<em>trusted</em>"

    def __str__(self) -> str:
        return "<em>as text</em>"


class Thing:
    """An object with only ``__str__``."""

    def __str__(self) -> str:
        return "thing <&> 'quoted' \"double\""


VALUES = {
    "ampersand": "&", "less": "<", "greater": ">", "apostrophe": "'", "quote": '"', "plain": "plain text",
    "empty": "", "unicode": "é ☃ 𝄞 \u2028 ﬁ", "script": "<script>alert('x' & \"y\")</script>", "escaped already": "&amp;",
    "str subclass": Text("<text & 'more'>"), "str subclass with __str__": Loud("<x>"), "str subclass with __html__": Snippet("<s>"),
    "markup": Markup("<b>bold</b> &amp;"), "markup subclass": Shouty("<i>quiet</i>"), "html object": Html(), "object": Thing(),
    "int": 42, "negative int": -7, "big int": 10**30, "int subclass": Count(3), "bool": True, "false": False, "none": None,
    "float": 1.5, "nan": float("nan"), "bytes": b"<b>", "list": ["<a>", Markup("<b>")], "dict": {"<k>": "&"},
}


def _peek(context, name):
    return f"peek<{name}={context.get(name)!s}>"


class ContextObject:
    """A callable object whose ``__call__`` takes the context."""

    @pass_context
    def __call__(self, context, value):
        return f"obj<{context.name}:{value}>"


class PlainObject:
    """A callable object that takes no context."""

    def __call__(self, value):
        return Markup("<plain>") + value


class Holder:
    """Bound methods: one plain, one taking the context."""

    def method(self, value):
        return f"method<{value}>"

    @pass_context
    def peek(self, context, name):
        return _peek(context, name)


def _stop():
    raise StopIteration


def _context(value) -> dict:
    return {
        "value": value, "flag": True,
        "peek": pass_context(_peek),
        "shout": pass_context(lambda context, v: Markup("<shout>") + str(v).upper()),
        "env_name": pass_environment(lambda environment, v: f"{environment.undefined.__name__}<{v}>"),
        "escaping": pass_eval_context(lambda eval_ctx, v: f"autoescape={eval_ctx.autoescape}<{v}>"),
        "ctx_object": ContextObject(), "plain_object": PlainObject(), "holder": Holder(),
        "maxi": max, "table": {"k": "<v>"}, "kind": Text, "partial": functools.partial("<{}>".format), "stop": _stop,
    }


def _environments(**options) -> tuple[JinjaEnvironment, JinjaEnvironment]:
    stock = JinjaEnvironment(autoescape=True, loader=DictLoader(LIBRARY), **options)
    app = AppEnvironment(Flask(__name__), autoescape=True, loader=DictLoader(LIBRARY), **options)
    return stock, app


def _outcome(environment: JinjaEnvironment, source: str, context: dict) -> tuple[str, str]:
    """Return ("ok", the output) or ("error", the exception's type and message)."""
    try:
        return "ok", environment.from_string(source).render(context)
    except Exception as error:  # noqa: BLE001 (the same error is the expected outcome)
        return "error", f"{type(error).__name__}: {error}"


@pytest.fixture(scope="module")
def environments():
    return _environments()


def test_the_app_environment_compiles_and_runs_with_its_own_classes(environments):
    _, app = environments
    source = app.compile("{{ value }}", raw=True)
    assert "escape(" in source and "_escape_inner(_out)" in source  # else the comparisons below prove nothing
    assert type(app.from_string("").new_context()) is compiled_templates.Context


@pytest.mark.parametrize("shape", SHAPES)
def test_output_is_stock_jinjas(environments, shape):
    stock, app = environments
    for value_name, value in VALUES.items():
        context = _context(value)
        assert _outcome(app, SHAPES[shape], context) == _outcome(stock, SHAPES[shape], context), value_name


@pytest.mark.parametrize("flag", [True, False])
def test_a_volatile_autoescape_block_is_stock_jinjas(environments, flag):
    stock, app = environments
    for value in VALUES.values():
        context = {**_context(value), "flag": flag}
        assert _outcome(app, SHAPES["autoescape flag"], context) == _outcome(stock, SHAPES["autoescape flag"], context)


@pytest.mark.parametrize("shape", ["plain", "undefined", "undefined attribute", "macro", "set block", "extends"])
def test_strict_undefined_fails_as_stock_jinja_does(shape):
    stock, app = _environments(undefined=StrictUndefined)
    context = _context(Markup("<b>"))
    del context["value"]
    stock_outcome = _outcome(stock, SHAPES[shape], context)
    assert stock_outcome[0] == "error"
    assert _outcome(app, SHAPES[shape], context) == stock_outcome


def test_streamed_output_joins_to_stock_jinjas(environments):
    stock, app = environments
    context = _context("<a & b>")
    source = "".join(SHAPES[shape] for shape in ("plain", "macro", "call block", "include in loop", "extends"))
    assert "".join(app.from_string(source).generate(context)) == "".join(stock.from_string(source).generate(context))


def test_errors_point_at_the_same_template_lines(environments):
    stock, app = environments
    source = "line 1\n{{ value }}\n{% for x in [1] %}\n{{ value // x }}\n{{ value // 0 }}\n{% endfor %}"

    def template_frames(environment):
        with pytest.raises(ZeroDivisionError) as caught:
            environment.from_string(source).render(value=6)
        return [(frame.lineno, frame.name) for frame in traceback.extract_tb(caught.value.__traceback__)
                if frame.filename == "<template>"]

    frames = template_frames(app)
    assert frames and frames[-1][0] == 5
    assert frames == template_frames(stock)


@pytest.mark.parametrize("callee", ["fails", "fails_with_context", "holder.fails"])
def test_errors_in_called_code_have_stock_tracebacks(environments, callee):
    stock, app = environments

    def fails(*args):
        raise ValueError("no")

    class Holder:
        def fails(self):
            fails()

    def frames(environment):
        context = {"fails": fails, "fails_with_context": pass_context(fails), "holder": Holder()}
        with pytest.raises(ValueError) as caught:
            environment.from_string("{% for x in [1] %}{{ " + callee + "() }}{% endfor %}").render(context)
        return [(frame.name, frame.lineno if frame.filename == "<template>" else None)
                for frame in traceback.extract_tb(caught.value.__traceback__)]

    assert frames(app) == frames(stock)


def test_with_a_finalize_output_is_stock_jinjas():
    stock, app = _environments(finalize=lambda value: "<none>" if value is None else value)
    for value_name, value in VALUES.items():
        context = _context(value)
        for shape in ("plain", "macro", "set block", "loop"):
            assert _outcome(app, SHAPES[shape], context) == _outcome(stock, SHAPES[shape], context), (shape, value_name)


def test_without_markupsafes_str_escaper_output_goes_through_escape(monkeypatch):
    monkeypatch.setattr(compiled_templates, "STR_ESCAPER", None)
    stock, app = _environments()
    assert "_escape_inner" not in app.compile(SHAPES["plain"], raw=True)
    context = _context("<a & b>")
    assert _outcome(app, SHAPES["extends"], context) == _outcome(stock, SHAPES["extends"], context)
