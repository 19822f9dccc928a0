"""YAML in, precise errors out: every problem is reported as `file:line: field.path: message`.

We parse with `yaml.safe_load` for the data and `yaml.compose` (same safe constructor rules) for
the node tree, whose marks give the line of every key and list item.
"""
from __future__ import annotations

import difflib
import types
import typing
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

Loc = tuple[str | int, ...]


class ScenarioError(Exception):
    """One or more problems in user files; `str()` is the report to print, one per line."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class YamlDoc:
    """A parsed YAML file with the line of every path in it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ScenarioError([f"{path}:1: file: not found"]) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ScenarioError([f"{path}:1: file: cannot read ({exc})"]) from None
        try:
            self.data = yaml.safe_load(text)
            root = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark else 1
            raise ScenarioError([f"{path}:{line}: yaml: {getattr(exc, 'problem', exc)}"]) from None
        self.lines: dict[Loc, int] = {}
        if root is not None:
            self._index(root, ())

    def _index(self, node: yaml.Node, loc: Loc) -> None:
        self.lines[loc] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                self.lines[loc + (key.value,)] = key.start_mark.line + 1
                self._index(value, loc + (key.value,))
                self.lines[loc + (key.value,)] = key.start_mark.line + 1   # the key's line, not its value's
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                self._index(item, loc + (i,))

    def line(self, loc: Loc) -> int:
        """Line of the deepest part of `loc` present in the file."""
        for n in range(len(loc), -1, -1):
            if loc[:n] in self.lines:
                return self.lines[loc[:n]]
        return 1

    def problem(self, loc: Loc, message: str) -> str:
        field = ".".join(str(p) for p in loc) or "(document)"
        return f"{self.path}:{self.line(loc)}: {field}: {message}"

    def validate(self, model: type[BaseModel]) -> Any:
        """The model built from this file, or ScenarioError listing every problem."""
        if not isinstance(self.data, dict):
            raise ScenarioError([self.problem((), "expected a mapping of keys to values")])
        try:
            return model.model_validate(self.data)
        except ValidationError as exc:
            raise ScenarioError([self._explain(model, e) for e in exc.errors()]) from None

    def _explain(self, model: type[BaseModel], err: dict) -> str:
        raw = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        loc = _untagged(model, raw)
        if err["type"] in ("union_tag_invalid", "union_tag_not_found"):
            loc = (*loc, err["ctx"]["discriminator"].strip("'"))
        if err["type"] == "extra_forbidden":
            known = _fields_at(model, raw[:-1])
            close = difflib.get_close_matches(str(loc[-1]), known, n=1, cutoff=0.5)
            hint = f"; did you mean '{close[0]}'?" if close else f"; known keys: {', '.join(known)}"
            return self.problem(loc, f"unknown key{hint}")
        if err["type"] == "missing":
            return self.problem(loc, "required key is missing")
        return self.problem(loc, err["msg"].removeprefix("Value error, "))


def _fields_at(model: Any, loc: Loc) -> list[str]:
    """Field names of the model reached by following `loc` through models, lists and dicts."""
    current = _walk(model, loc)[1]
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _untagged(model: Any, loc: Loc) -> Loc:
    """`loc` without the tags pydantic inserts after a discriminated union (`hazards.0.flood.x` -> `hazards.0.x`)."""
    return _walk(model, loc)[0]


def _walk(model: Any, loc: Loc) -> tuple[Loc, Any]:
    """Follow `loc` through models, lists, dicts and tagged unions: (loc without tags, type reached)."""
    current, out = model, []
    for part in loc:
        current = _unwrap(current)
        members = _tagged(current)
        if part in members:
            current = members[part]
            continue
        out.append(part)
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(str(part))
            current = field.annotation if field is not None else None
        else:
            args = typing.get_args(current)
            current = args[-1] if args else None
    return tuple(out), _unwrap(current)


def _tagged(tp: Any) -> dict[str, Any]:
    """Tag -> model of a union of models told apart by a `type` literal (empty for anything else)."""
    if typing.get_origin(tp) not in (typing.Union, types.UnionType):
        return {}
    out = {}
    for member in typing.get_args(tp):
        field = getattr(member, "model_fields", {}).get("type")
        for tag in typing.get_args(field.annotation) if field is not None else ():
            out[tag] = member
    return out


def _unwrap(tp: Any) -> Any:
    """Strip Optional/Annotated so that a model type shows through."""
    while True:
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        origin = typing.get_origin(tp)
        if origin is typing.Annotated or (origin in (typing.Union, types.UnionType) and len(args) == 1):
            tp = args[0]
            continue
        return tp
