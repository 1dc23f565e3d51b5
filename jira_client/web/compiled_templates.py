"""How the app's templates compile and run: Jinja's own output, for less CPU (issue #12).

``CodeGenerator`` writes each ``{{ ... }}`` of an autoescaped template so that the common values
skip ``markupsafe.escape``: a plain str goes through markupsafe's C escaper (``_escape_inner``,
the very function ``escape`` uses) and stays a str; a ``Markup`` is output as it is; an ``int``
as ``str(value)`` (digits have nothing to escape). Anything else still goes through ``escape``.
``escape`` would have made each a ``Markup`` of the same text, at a Python call and a
``Markup.__new__`` apiece (some 500 on the issue page). Output pieces are only ever joined
(``concat``, which makes a plain str of str and Markup alike); whatever a template hands on as a
value (a macro's result, a ``{% set %}`` or ``{% filter %}`` block, ``super()``, an imported
module) Jinja joins first and wraps in ``Markup`` itself. So pages are the same, byte for byte;
only the pieces ``Template.generate`` yields may now be str where they were Markup.

A template's root and its blocks collect their output in a list, as Jinja's macros do, and yield
it joined, once: Jinja yields every piece, and each yield passes up through every generator the
piece is nested in (an issue page's comments: their include, the content block, base.html's root
and show.html's root, some 1,300 pieces four levels deep). An ``{% include %}`` extends that list
with the included template's output, where Jinja wrote a Python loop, a turn for every piece.
Pages are the same text; ``Template.generate`` now yields one piece a root or block.

``Context.call`` is Jinja's, but for functions, bound methods, builtins and macros (what templates
call) it reads whether they want the context without Jinja's two ``_PassArg.from_obj`` calls, its
``hasattr`` on ``__call__`` and its reads of enum members (65 ns each): some 0.2 µs a call
instead of 0.7. Anything else, and whatever wants the context itself, goes to Jinja's.

tests/unit/test_compiled_templates.py renders the same snippets with stock Jinja and with these.
"""

from __future__ import annotations

import types
import typing as t

import markupsafe
from jinja2 import compiler, nodes
from jinja2.runtime import Context as JinjaContext
from jinja2.runtime import Macro
from jinja2.utils import _PassArg, internalcode


def _str_escaper_name() -> str | None:
    """Return the name to import markupsafe's str escaper by, or None if it is missing or escapes differently."""
    inner = getattr(markupsafe, "_escape_inner", None)
    probe = "<a href='x' title=\"y\">&amp; é</a>"
    if inner is None or inner(probe) != str(markupsafe.escape(probe)):
        return None
    return "_escape_inner"


STR_ESCAPER = _str_escaper_name()


class CodeGenerator(compiler.CodeGenerator):
    """Jinja's code generator, whose autoescaped output skips ``escape`` for str, Markup and int,
    whose roots and blocks yield their output once, and whose includes add theirs to that output whole."""

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        self._collecting: set[int] = set()  # the frames (by id) of the root and blocks that collect their output

    def visit_Template(self, node: nodes.Template, frame: compiler.Frame | None = None) -> None:
        if self._plain_output_joined():
            self.writeline(f"from markupsafe import {STR_ESCAPER}")
        super().visit_Template(node, frame)

    def enter_frame(self, frame: compiler.Frame) -> None:
        """Enter a frame; the root's and each block's start a list for their output (Jinja's ``buffer``)."""
        super().enter_frame(frame)
        if (frame.rootlevel or frame.block_frame) and frame.buffer is None and not self.environment.is_async:
            self.buffer(frame)
            self._collecting.add(id(frame))

    def leave_frame(self, frame: compiler.Frame, with_python_scope: bool = False) -> None:
        """Leave a frame; the root and each block yield what they collected, joined."""
        super().leave_frame(frame, with_python_scope)
        if id(frame) in self._collecting:
            self._collecting.discard(id(frame))
            self.writeline(f"yield concat({frame.buffer})")

    def _plain_output_joined(self) -> bool:
        """Return whether output pieces may be plain str: the escaper exists and pieces are only joined."""
        return STR_ESCAPER is not None and self.environment.concat == "".join

    def _escapes_inline(self, frame: compiler.Frame, finalize: compiler.CodeGenerator._FinalizeInfo) -> bool:
        """Return whether an output is escaped for sure (not volatile, no finalize) and may skip ``escape``."""
        return (frame.eval_ctx.autoescape and not frame.eval_ctx.volatile and finalize.src is None
                and self._plain_output_joined())

    def _output_child_pre(self, node: nodes.Expr, frame: compiler.Frame,
                          finalize: compiler.CodeGenerator._FinalizeInfo) -> None:
        if self._escapes_inline(frame, finalize):
            self.write(f"({STR_ESCAPER}(_out) if (_out_type := type(_out := (")
        else:
            super()._output_child_pre(node, frame, finalize)

    def _output_child_post(self, node: nodes.Expr, frame: compiler.Frame,
                           finalize: compiler.CodeGenerator._FinalizeInfo) -> None:
        if self._escapes_inline(frame, finalize):
            # exact types only: a subclass may have its own __html__ or __str__
            self.write(")))"
                       " is str else _out if _out_type is Markup else str(_out) if _out_type is int else escape(_out))")
        else:
            super()._output_child_post(node, frame, finalize)

    def visit_Include(self, node: nodes.Include, frame: compiler.Frame) -> None:
        """Write an include that adds its template's output to the frame's list.

        Jinja writes ``for event in gen: buffer.append(event)``, a turn of a Python loop for every
        piece the included template outputs; ``extend`` takes them in C, and the generator is
        still closed in ``finally``. Without context, the template's module body is added the same
        way (Jinja yields it even into a list). Async, and a frame without a list (which no sync
        template has now), are Jinja's.
        """
        if self.environment.is_async or frame.buffer is None:
            super().visit_Include(node, frame)
            return
        if node.ignore_missing:
            self.writeline("try:")
            self.indent()
        self.writeline(f"template = environment.{_template_getter(node)}(", node)
        self.visit(node.template, frame)
        self.write(f", {self.name!r})")
        if node.ignore_missing:
            self.outdent()
            self.writeline("except TemplateNotFound:")
            self.indent()
            self.writeline("pass")
            self.outdent()
            self.writeline("else:")
            self.indent()
        if node.with_context:
            self.writeline(f"gen = template.root_render_func(template.new_context(context.get_all(), True,"
                           f" {self.dump_local_context(frame)}))")
            self.writeline("try:")
            self.indent()
            self.writeline(f"{frame.buffer}.extend(gen)")
            self.outdent()
            self.writeline("finally: gen.close()")
        else:
            self.writeline(f"{frame.buffer}.extend(template._get_default_module()._body_stream)")
        if node.ignore_missing:
            self.outdent()


def _template_getter(node: nodes.Include) -> str:
    """Return the environment method an include loads its template with, as Jinja chooses it."""
    if isinstance(node.template, nodes.Const):
        if isinstance(node.template.value, str):
            return "get_template"
        if isinstance(node.template.value, (tuple, list)):
            return "select_template"
    elif isinstance(node.template, (nodes.Tuple, nodes.List)):
        return "select_template"
    return "get_or_select_template"


# Callables whose own __call__ (a method-wrapper) never carries ``jinja_pass_arg``: whether they
# want the context is their own attribute (a bound method's is its function's), read without side effects.
_FUNCTIONS = frozenset({types.FunctionType, types.BuiltinFunctionType})
# An enum member read from its class costs a Python call (65 ns); these are read once.
_CONTEXT, _EVAL_CONTEXT, _ENVIRONMENT = _PassArg.context, _PassArg.eval_context, _PassArg.environment
_MACRO_WANTS_EVAL_CONTEXT = getattr(Macro.__call__, "jinja_pass_arg", None) is _EVAL_CONTEXT


class Context(JinjaContext):
    """Jinja's template context, whose ``call`` decides what to pass for less."""

    @internalcode  # as Jinja's: left out of the template tracebacks Jinja rewrites
    def call(__self, __obj: t.Callable[..., t.Any], *args: t.Any, **kwargs: t.Any) -> t.Any:  # noqa: N805
        """Return ``__obj(*args, **kwargs)`` as Jinja's ``call`` does: with the context (or eval context, or
        environment) first when it asks, without the loop and block vars, undefined on StopIteration."""
        if __debug__:
            __traceback_hide__ = True  # noqa: F841  (as Jinja's: debuggers hide this frame)
        kind = type(__obj)
        if kind in _FUNCTIONS:
            pass_arg = getattr(__obj, "jinja_pass_arg", None)
        elif kind is types.MethodType and type(__obj.__func__) is types.FunctionType:
            pass_arg = getattr(__obj.__func__, "jinja_pass_arg", None)  # the method's own getattr would raise first
        elif kind is Macro and _MACRO_WANTS_EVAL_CONTEXT:
            pass_arg = _EVAL_CONTEXT  # Macro.__call__ takes the eval context
        else:
            return super().call(__obj, *args, **kwargs)

        if pass_arg is None:
            pass
        elif pass_arg is _EVAL_CONTEXT:
            args = (__self.eval_ctx, *args)
        elif pass_arg is _ENVIRONMENT:
            args = (__self.environment, *args)
        elif pass_arg is _CONTEXT:
            return super().call(__obj, *args, **kwargs)  # derives a context from the loop and block vars
        if kwargs:
            kwargs.pop("_block_vars", None)
            kwargs.pop("_loop_vars", None)
        try:
            return __obj(*args, **kwargs)
        except StopIteration:
            return __self.environment.undefined(
                "value was undefined because a callable raised a StopIteration exception")
