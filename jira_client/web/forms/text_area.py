"""The app's text areas: WTForms' ``TextAreaField``, the same HTML at a third of the cost.

WTForms writes each attribute with ``Markup('{k}="{v}"').format(...)``, and ``Markup.format`` runs
Python's ``string.Formatter``: the comment box on every issue page (seven attributes) took 63 µs,
20 here. ``html_params`` writes the same text with plain string operations, and ``TextArea`` is
WTForms' widget calling it. tests/unit/test_text_area.py holds both to WTForms' output.
"""

from __future__ import annotations

from typing import Any

import wtforms
from markupsafe import Markup, escape
from wtforms.widgets.core import clean_key


def html_params(**kwargs: Any) -> Markup:
    """Return ``wtforms.widgets.html_params(**kwargs)``: sorted attributes, True bare, False left out."""
    params = []
    for key, value in sorted(kwargs.items()):
        name = escape(clean_key(key))
        if value is True:
            params.append(name)
        elif value is not False:
            # escape() leaves a Markup value as it is; WTForms then writes its quotes as &quot;
            params.append(f'{name}="{str(escape(value)).replace(chr(34), "&quot;")}"')
    return Markup(" ".join(params))


class TextArea(wtforms.widgets.TextArea):
    """WTForms' text area widget (its validation attributes included), with the cheaper ``html_params``."""

    def __call__(self, field: wtforms.Field, **kwargs: Any) -> Markup:
        kwargs.setdefault("id", field.id)
        flags = getattr(field, "flags", {})
        for name in dir(flags):
            if name in self.validation_attrs and name not in kwargs:
                kwargs[name] = getattr(flags, name)
        params = html_params(name=field.name, **kwargs)
        return Markup(f"<textarea {params}>\r\n{escape(field._value())}</textarea>")


class TextAreaField(wtforms.TextAreaField):
    """WTForms' ``TextAreaField`` rendered by ``TextArea``."""

    widget = TextArea()
