"""Plain coercion for the plain parameter types, so a scan never imports pydantic.

Why: typer (>= 0.2x) converts every non-boolean parameter through a pydantic
``TypeAdapter``, built when the parameter is processed -- even when its value is
``None``.  Importing pydantic (and its plugin loader, which imports
``importlib.metadata``) and building ~20 adapters is most of typer's start-up, measured
here as more than ideaudit's whole warm scan.  ideaudit's parameters are only ``str``,
``Path``, ``float``, ``int``, enums and lists of those: for them the conversion is one
call, done here with typer's own error type; anything else goes to typer unchanged.
:func:`install` swaps the class of each parameter of a built command for a subclass
with this ``process_value`` (typer builds the parameters itself; this is the one hook).
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Any, get_args, get_origin

from typer._click.exceptions import BadParameter, MissingParameter
from typer.core import _TyperParameter

_SCALARS: dict[Any, str] = {str: "string", Path: "path", float: "float", int: "integer"}


def _convert(annotation: Any, value: Any, ctx: Any, param: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        if isinstance(value, annotation):
            return value
        for member in annotation:
            if member.value == value:
                return member
        choices = ", ".join(repr(m.value) for m in annotation)
        raise BadParameter(f"{value!r} is not one of {choices}.", ctx=ctx, param=param)
    if annotation is bool:
        return value
    if annotation is str:
        return str(value)
    if annotation is Path:
        return value if isinstance(value, Path) else Path(value)
    try:
        return annotation(value)
    except (TypeError, ValueError):
        message = f"{value!r} is not a valid {_SCALARS[annotation]}."
        raise BadParameter(message, ctx=ctx, param=param) from None


def _plain(annotation: Any) -> Any | None:
    """The element type when ``annotation`` is one this module converts, else None."""
    if get_origin(annotation) is list:
        args = get_args(annotation)
        annotation = args[0] if len(args) == 1 else None
    if annotation in _SCALARS or (isinstance(annotation, type) and issubclass(annotation, Enum)):
        return annotation
    return None


class _PlainCoercion(_TyperParameter):
    def display_type_rich(self, ctx: Any) -> str | None:
        # A flag takes no value: typer would show its annotation as ``<bool>``.
        if getattr(self, "is_flag", False) and self.metavar is None:
            return None
        result: str | None = super().display_type_rich(ctx)
        return result

    def process_value(self, ctx: Any, value: Any) -> Any:
        annotation = self.type_descriptor.annotation
        element = _plain(annotation)
        if annotation is bool and (value is None or isinstance(value, bool)):
            element = bool  # a flag: typer builds an adapter when its default is None
        if element is None:
            return super().process_value(ctx, value)
        many = self.multiple or self.nargs == -1
        if value is None:
            value = () if many else None
        elif many:
            value = tuple(_convert(element, v, ctx, self) for v in value)
        else:
            value = _convert(element, value, ctx, self)
        if self.required and self.value_is_missing(value):
            raise MissingParameter(ctx=ctx, param=self)
        if self.callback is not None:
            value = self.callback(ctx, self, value)
        return value


_SUBCLASSES: dict[type, type] = {}


def _swap(param: Any) -> None:
    cls = type(param)
    if isinstance(param, _TyperParameter) and not isinstance(param, _PlainCoercion):
        sub = _SUBCLASSES.get(cls)
        if sub is None:
            sub = _SUBCLASSES[cls] = type(cls.__name__, (_PlainCoercion, cls), {"__module__": __name__})
        param.__class__ = sub


def install(command: Any) -> Any:
    """Give every typer parameter of ``command`` (and of its subcommands) plain coercion,
    including the ``--help`` option that click makes on demand."""
    for param in getattr(command, "params", ()):
        _swap(param)
    make_help = command.get_help_option

    def get_help_option(ctx: Any) -> Any:
        option = make_help(ctx)
        if option is not None:
            _swap(option)
        return option

    command.get_help_option = get_help_option
    for sub_command in getattr(command, "commands", {}).values():
        install(sub_command)
    return command
