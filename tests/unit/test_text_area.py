"""The app's text areas render exactly what WTForms' own would, at a fraction of the cost."""

from __future__ import annotations

import pytest
import wtforms
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup
from werkzeug.datastructures import MultiDict
from wtforms.validators import DataRequired, Length
from wtforms.widgets import html_params as wtforms_html_params

from jira_client.web.forms.text_area import TextAreaField, html_params

KEYS = st.sampled_from(["id", "name", "class_", "for_", "rows", "data_mention_url", "aria_describedby", "required",
                        "placeholder", "data_x_y", "weird<key", "value"])
VALUES = st.one_of(st.booleans(), st.integers(-5, 5), st.text(max_size=20),
                   st.text(max_size=20).map(Markup), st.sampled_from(['"', "'", "<&>", Markup('a"b'), Markup("<b>x</b>")]))


@given(st.dictionaries(KEYS, VALUES, max_size=8))
def test_attributes_are_written_as_wtforms_writes_them(attributes):
    ours, theirs = html_params(**attributes), wtforms_html_params(**attributes)
    assert ours == theirs and isinstance(ours, Markup)


class Stock(wtforms.Form):
    body = wtforms.TextAreaField("Body", [DataRequired(), Length(max=10)], render_kw={"rows": 5, "placeholder": 'a "b" <c>'})
    plain = wtforms.TextAreaField("Plain")


class Ours(wtforms.Form):
    body = TextAreaField("Body", [DataRequired(), Length(max=10)], render_kw={"rows": 5, "placeholder": 'a "b" <c>'})
    plain = TextAreaField("Plain")


@pytest.mark.parametrize("typed", ["", "text & <tags>\nsecond line", '"quoted"', "</textarea><script>x</script>"])
@pytest.mark.parametrize("extra", [{}, {"data_mention_url": "/issues/A-1/people", "aria_describedby": "body-mentions"},
                                   {"required": False, "maxlength": 3, "class_": "x"}])
def test_a_text_area_is_the_html_wtforms_renders(typed, extra):
    data = MultiDict({"body": typed, "plain": typed})
    stock, ours = Stock(formdata=data), Ours(formdata=data)
    stock.validate(), ours.validate()  # validators set the flags the widget writes (required, maxlength)
    for name in ("body", "plain"):
        assert ours[name](**extra) == stock[name](**extra)
        assert type(ours[name].widget).__name__ == "TextArea" and ours[name].widget is not stock[name].widget
