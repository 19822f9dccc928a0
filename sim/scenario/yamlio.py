"""YAML in, precise errors out: every problem is reported as `file:line: field.path: message`.

Every user file (scenario, plan, MSEL, decisions, sweep) is read here, through one hardened
loader: a regular file under a size limit, nesting and alias expansion bounded, duplicate keys
refused, and no implicit timestamps (the schema parses dates, so `2022-02-30` is a field error, not
a crash). The composed node tree gives the line of every key and list item.
"""
from __future__ import annotations

import difflib
import math
import re
import types
import typing
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

Loc = tuple[str | int, ...]
MAX_BYTES = 1 << 20            # 1 MiB: the largest bundled file is ~10 KiB
MAX_DEPTH = 64                 # nesting of mappings and lists
MAX_NODES = 200_000            # nodes after alias expansion ("billion laughs" stops here)
UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")   # text keeps \t and \n


def sanitize(text: str) -> str:
    """`text` with control characters (NUL, ANSI escapes, newlines, bidi overrides) shown as escapes,
    so a message from a hostile file is one plain line on the terminal."""
    return UNSAFE.sub(lambda m: repr(m[0])[1:-1] if ord(m[0]) < 0x100 else f"\\u{ord(m[0]):04x}", text)


def safe_name(name: str, limit: int = 80) -> str:
    """A user-given name (drill, sweep, scenario) as one file name: letters, digits (any script), `-_.`;
    never empty, never `.` or `..`, so `runs/<name>` stays inside `runs/`."""
    out = re.sub(r"[^\w.-]+", "_", name, flags=re.UNICODE).strip("._")[:limit]
    return out or "unnamed"


class ScenarioError(Exception):
    """One or more problems in user files; `str()` is the report to print, one per line."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = [sanitize(p) for p in problems]
        super().__init__("\n".join(self.problems))


def read_limited(path: Path, limit: int = MAX_BYTES) -> bytes:
    """The bytes of a regular file no larger than `limit`; ScenarioError otherwise (a directory,
    /dev/zero, a FIFO or a 10 GB file is refused before it is read)."""
    try:
        if not path.exists():
            raise ScenarioError([f"{path}:1: file: not found"])
        if not path.is_file():
            raise ScenarioError([f"{path}:1: file: not a regular file"])
        with path.open("rb") as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise ScenarioError([f"{path}:1: file: cannot read ({exc.strerror or exc})"]) from None
    if len(data) > limit:
        raise ScenarioError([f"{path}:1: file: larger than the limit of {limit:,} bytes"])
    return data


class _Loader(yaml.SafeLoader):
    """SafeLoader without implicit timestamps, and with construction errors (`!!float abc`) as YAML
    errors carrying the line of the bad node."""

    yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except yaml.YAMLError:
            raise
        except Exception as exc:  # noqa: BLE001 - any constructor's failure is a bad value at this node
            raise yaml.constructor.ConstructorError(
                None, None, f"{str(node.value)[:60]!r} is not a valid {node.tag.rsplit(':', 1)[-1]}",
                node.start_mark) from exc


def _depth_problem(text: str) -> tuple[int, str] | None:
    """(line, message) when nesting exceeds MAX_DEPTH, checked on the event stream (no recursion)."""
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                return event.start_mark.line + 1, f"nested deeper than {MAX_DEPTH} levels"
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
    return None


def parse_text(text: str, path: Path) -> tuple[Any, yaml.Node | None]:
    """(data, node tree) of one YAML document; ScenarioError with `file:line:` for anything wrong."""
    try:
        deep = _depth_problem(text)
        if deep:
            raise ScenarioError([f"{path}:{deep[0]}: yaml: {deep[1]}"])
        loader = _Loader(text)
        try:
            root = loader.get_single_node()
            problems = _tree_problems(root, path)
            if problems:
                raise ScenarioError(problems)
            return (loader.construct_document(root) if root is not None else None), root
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else _reader_line(exc, text)
        raise ScenarioError([f"{path}:{line}: yaml: {_yaml_message(exc)}"]) from None


def _yaml_message(exc: yaml.YAMLError) -> str:
    if isinstance(exc, yaml.reader.ReaderError):
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        return f"character U+{code:04X} is not allowed in YAML (write it as an escape in a double-quoted string)"
    return str(getattr(exc, "problem", None) or exc)


def _reader_line(exc: yaml.YAMLError, text: str) -> int:
    """Line of a reader error (a NUL or other unacceptable character), which has a position, no mark."""
    position = getattr(exc, "position", None)
    return text.count("\n", 0, position) + 1 if isinstance(position, int) else 1


def _tree_problems(root: yaml.Node | None, path: Path) -> list[str]:
    """Duplicate and non-scalar keys, recursive aliases and alias bombs, found without recursion."""
    problems: list[str] = []
    stack: list[tuple[yaml.Node, tuple[int, ...]]] = [(root, ())] if root is not None else []
    seen = 0
    while stack:
        node, ancestors = stack.pop()
        seen += 1
        if seen > MAX_NODES:
            return [f"{path}:{node.start_mark.line + 1}: yaml: more than {MAX_NODES:,} values once aliases "
                    "are expanded (an alias bomb?)"]
        if id(node) in ancestors:
            return [f"{path}:{node.start_mark.line + 1}: yaml: an alias refers to a value that contains it"]
        inner = (*ancestors, id(node))
        if isinstance(node, yaml.MappingNode):
            problems.extend(_key_problems(node, path))
            stack.extend((v, inner) for k, v in node.value if isinstance(k, yaml.ScalarNode))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, inner) for item in node.value)
    return problems


def _key_problems(node: yaml.MappingNode, path: Path) -> list[str]:
    first: dict[str, int] = {}
    out = []
    for key, _ in node.value:
        line = key.start_mark.line + 1
        if not isinstance(key, yaml.ScalarNode):
            out.append(f"{path}:{line}: yaml: a key must be plain text or a number")
        elif key.value in first and key.value != "<<":
            out.append(f"{path}:{line}: {key.value}: duplicate key (first at line {first[key.value]})")
        else:
            first.setdefault(key.value, line)
    return out


class YamlDoc:
    """A parsed YAML file with the line of every path in it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        raw = read_limited(path)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw.count(b"\n", 0, exc.start) + 1
            raise ScenarioError([f"{path}:{line}: file: not UTF-8 text ({exc.reason})"]) from None
        self.data, root = parse_text(text, path)
        self.lines: dict[Loc, int] = {}
        self._scalars: dict[Loc, str] = {}
        if root is not None:
            self._index(root)
        problems = [self.problem(loc, "control characters (ANSI escapes, NUL, bidi overrides) are not allowed "
                                      "in text") for loc, text in self._scalars.items() if CONTROL.search(text)]
        if problems:
            raise ScenarioError(problems)

    def _index(self, root: yaml.Node) -> None:
        """Line of every key and list item (the tree is known to be acyclic and bounded here)."""
        stack: list[tuple[yaml.Node, Loc]] = [(root, ())]
        while stack:
            node, loc = stack.pop()
            self.lines.setdefault(loc, node.start_mark.line + 1)
            if isinstance(node, yaml.ScalarNode):
                self._scalars[loc] = node.value
            elif isinstance(node, yaml.MappingNode):
                for key, value in node.value:
                    self.lines[(*loc, key.value)] = key.start_mark.line + 1   # the key's line, not its value's
                    self._scalars[(*loc, key.value, "(key)")] = key.value
                    stack.append((value, (*loc, key.value)))
            elif isinstance(node, yaml.SequenceNode):
                stack.extend((item, (*loc, i)) for i, item in enumerate(node.value))

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
            result = model.model_validate(self.data)
        except ValidationError as exc:
            raise ScenarioError([self._explain(model, e) for e in exc.errors()]) from None
        problems = [self.problem(loc, "must be a finite number") for loc in non_finite(result)]
        if problems:
            raise ScenarioError(problems)
        return result

    def _explain(self, model: type[BaseModel], err: dict) -> str:
        raw = tuple(p for p in err["loc"] if not (isinstance(p, str) and (p.startswith("function-")
                                                                        or UNION_BRANCH.match(p))))
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


UNION_BRANCH = re.compile(r"^[a-z]+\[.*\]$")   # pydantic's name of a plain union's branch: `literal['a','b']`


def non_finite(value: Any, loc: Loc = ()) -> list[Loc]:
    """Where a validated model holds inf or NaN (`.inf`, `"nan"`): no horizon, count or rate can be
    infinite, whichever hazard or plan model declared the field."""
    if isinstance(value, float):
        return [] if math.isfinite(value) else [loc]
    if isinstance(value, BaseModel):
        return [bad for name, field in type(value).model_fields.items()
                for bad in non_finite(getattr(value, name), (*loc, field.alias or name))]
    if isinstance(value, (list, tuple)):
        return [bad for i, v in enumerate(value) for bad in non_finite(v, (*loc, i))]
    if isinstance(value, dict):
        return [bad for k, v in value.items() for bad in non_finite(v, (*loc, k))]
    return []


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
