"""``@record``: the part of ``@dataclass`` ideaudit uses, without its start-up cost.

Why hand-written: ``@dataclass`` generates ``__init__``, ``__eq__``, ``__hash__``,
``__repr__`` and, for frozen classes, ``__setattr__``/``__delattr__`` as source text and
``exec``-compiles them for every class, and ``import dataclasses`` pulls in ``inspect``.
Measured here that is ~1.3 ms per class and ~13 ms for the import; ideaudit has ~70
such classes, so ``ideaudit scan`` paid most of its 150 ms budget before doing any work.

``@record`` keeps the dataclass syntax (annotations, defaults,
``field(default_factory=...)``, ``frozen=True``) and semantics (positional and keyword
construction in field order, value equality, hashing of frozen records, frozen
instances refusing assignment), but the methods are shared generic functions, so
defining a class costs microseconds.  Compatibility with the dataclass world is kept
lazily: ``__dataclass_fields__`` is built (importing :mod:`dataclasses`) the first time
something asks for it, so ``dataclasses.fields/asdict/replace/is_dataclass`` and
pydantic's ``TypeAdapter`` (the report schema) work unchanged.  Hot paths use this
module's :func:`replace`, which needs no ``dataclasses``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, dataclass_transform, overload

T = TypeVar("T")

_MISSING: Any = object()


class _Factory:
    __slots__ = ("factory",)

    def __init__(self, factory: Callable[[], Any]) -> None:
        self.factory = factory


def field(*, default_factory: Callable[[], Any]) -> Any:
    """As ``dataclasses.field(default_factory=...)``: a fresh default per instance."""
    return _Factory(default_factory)


class FrozenInstanceError(AttributeError):
    """Assignment to a field of a frozen record (as ``dataclasses.FrozenInstanceError``)."""


def _init(self: Any, *args: Any, **kwargs: Any) -> None:
    # Hot: a scan of 200 GoLand run configurations builds ~10,000 records.
    spec = type(self).__record_spec__
    n = len(args)
    if n > len(spec):
        raise TypeError(f"{type(self).__name__}() takes {len(spec)} arguments but {n} were given")
    setter = object.__setattr__
    for (name, _, _), value in zip(spec, args):  # noqa: B905  (args may be fewer: defaults)
        if kwargs and name in kwargs:
            raise TypeError(f"{type(self).__name__}() got multiple values for argument {name!r}")
        setter(self, name, value)
    for name, default, factory in spec[n:]:
        if name in kwargs:
            value = kwargs.pop(name)
        elif factory is not None:
            value = factory()
        elif default is not _MISSING:
            value = default
        else:
            raise TypeError(f"{type(self).__name__}() missing required argument: {name!r}")
        setter(self, name, value)
    if kwargs:
        raise TypeError(f"{type(self).__name__}() got an unexpected keyword argument {next(iter(kwargs))!r}")


def _values(self: Any) -> tuple[Any, ...]:
    return tuple(getattr(self, name) for name, _, _ in type(self).__record_spec__)


def _eq(self: Any, other: object) -> bool:
    if other.__class__ is not self.__class__:
        return NotImplemented  # type: ignore[no-any-return]
    return _values(self) == _values(other)


def _hash(self: Any) -> int:
    return hash(_values(self))


def _repr(self: Any) -> str:
    body = ", ".join(f"{name}={getattr(self, name)!r}" for name, _, _ in type(self).__record_spec__)
    return f"{type(self).__qualname__}({body})"


def _frozen_setattr(self: Any, name: str, value: Any) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _frozen_delattr(self: Any, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")


class _LazyDataclassFields:
    """``__dataclass_fields__`` built on first access, then stored on the class."""

    def __get__(self, obj: object, cls: type[Any]) -> dict[str, Any]:
        import dataclasses

        fields: dict[str, Any] = {}
        annotations = _annotations(cls)
        for name, default, factory in cls.__record_spec__:
            if factory is not None:
                f = dataclasses.field(default_factory=factory)
            elif default is not _MISSING:
                f = dataclasses.field(default=default)
            else:
                f = dataclasses.field()
            f.name = name
            f.type = annotations[name]
            f._field_type = dataclasses._FIELD  # type: ignore[attr-defined]
            fields[name] = f
        type.__setattr__(cls, "__dataclass_fields__", fields)
        return fields


class _LazyDataclassParams:
    def __get__(self, obj: object, cls: type[Any]) -> Any:
        import dataclasses

        probe: Any = dataclasses.dataclass(frozen=cls.__record_frozen__)(
            type(cls.__name__, (), {"__annotations__": {}})
        )
        params = probe.__dataclass_params__
        type.__setattr__(cls, "__dataclass_params__", params)
        return params


def _annotations(cls: type[Any]) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for klass in reversed(cls.__mro__):
        # not inspect.get_annotations: importing inspect is part of what we avoid
        merged.update(klass.__dict__.get("__annotations__", {}))  # noqa: RUF063
    return merged


def _make(cls: type[T], frozen: bool) -> type[T]:
    spec: list[tuple[str, Any, Callable[[], Any] | None]] = []
    for klass in reversed(cls.__mro__[1:]):
        spec.extend(getattr(klass, "__record_spec__", ()) if "__record_spec__" in klass.__dict__ else ())
    own = cls.__dict__.get("__annotations__", {})  # noqa: RUF063  (see _annotations)
    for name, annotation in own.items():
        if isinstance(annotation, str) and annotation.startswith(("ClassVar", "typing.ClassVar")):
            continue
        default = cls.__dict__.get(name, _MISSING)
        factory = None
        if isinstance(default, _Factory):
            factory, default = default.factory, _MISSING
            delattr(cls, name)
        spec = [s for s in spec if s[0] != name]
        spec.append((name, default, factory))
    members: dict[str, Any] = {
        "__record_spec__": tuple(spec),
        "__record_frozen__": frozen,
        "__init__": _init,
        "__repr__": _repr,
        "__eq__": _eq,
        "__hash__": _hash if frozen else None,
        "__match_args__": tuple(name for name, _, _ in spec),
        "__dataclass_fields__": _LazyDataclassFields(),
        "__dataclass_params__": _LazyDataclassParams(),
    }
    if frozen:
        members["__setattr__"] = _frozen_setattr
        members["__delattr__"] = _frozen_delattr
    for name, member in members.items():
        type.__setattr__(cls, name, member)
    return cls


@overload
def record(cls: type[T], /) -> type[T]: ...


@overload
def record(*, frozen: bool = False) -> Callable[[type[T]], type[T]]: ...


@dataclass_transform(field_specifiers=(field,))
def record(cls: type[T] | None = None, /, *, frozen: bool = False) -> Any:
    """Use as ``@record`` or ``@record(frozen=True)``, like ``@dataclass``."""
    if cls is None:
        return lambda c: _make(c, frozen)
    return _make(cls, frozen)


def replace(obj: T, /, **changes: Any) -> T:
    """``dataclasses.replace`` for records (and dataclasses), without importing it."""
    spec = getattr(type(obj), "__record_spec__", None)
    if spec is None:
        import dataclasses

        return dataclasses.replace(obj, **changes)  # type: ignore[type-var]
    values = {name: getattr(obj, name) for name, _, _ in spec}
    values.update(changes)
    return type(obj)(**values)
