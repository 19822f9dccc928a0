"""MSELs to and from spreadsheets, the way exercise staff keep them: `.xlsx` (openpyxl) and `.csv`.

An `.xlsx` holds the whole MSEL, one sheet per part: `drill` (key | value rows), then `roles`,
`objectives`, `injects` and `improvements` with one row per item and one column per field, nested
fields as dotted headers (`expect.within_min`, `effect.close_base.icao`), lists as YAML flow text
(`[dispatch, note]`). A `.csv` holds the injects only; the rest comes from a base MSEL. A column map
(`{sheet: {their header: our field}}`) reads a spreadsheet with its own headers. Import checks the
result like a YAML MSEL and names every problem `file!sheet!cell: field: message` (exit 2). Export
then import gives back the same data: the round trip is tested.
"""
from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from drills.msel import Msel, cross_check
from sim.scenario.schema import load_scenario
from sim.scenario.yamlio import ScenarioError, YamlDoc

SETTINGS = "drill"
LISTS = ("roles", "objectives", "injects", "improvements")
FLOW = ("[", "{", "'", '"')         # a cell starting with one of these is YAML flow text


# -- flattening ----------------------------------------------------------------------------------------
def flatten(item: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """{'expect': {'action': 'x'}} -> {'expect.action': 'x'}; lists, empty mappings and mappings with
    dotted keys (a `change:` patch) stay one cell."""
    out: dict[str, Any] = {}
    for key, value in item.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value and not any("." in str(k) for k in value):
            out.update(flatten(value, name + "."))
        else:
            out[name] = value
    return out


def cell_value(value: Any) -> Any:
    """What a cell holds for a value: scalars as they are, lists, mappings and look-alike text as YAML flow."""
    if isinstance(value, (list, dict)) or (isinstance(value, str) and value.startswith(FLOW)):
        return yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10_000).strip()
    return value


def from_cell(value: Any) -> Any:
    """A cell's value back: flow text parsed, a whole-day datetime as a date, blanks as absent (None)."""
    if isinstance(value, str):
        if value.strip() == "":
            return None
        return yaml.safe_load(value) if value.startswith(FLOW) else value
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date()
    return value


def unflatten(row: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for path, value in row.items():
        node = out
        *parents, last = path.split(".")
        for key in parents:
            node = node.setdefault(key, {})
        node[last] = value
    return out


def _columns(rows: list[dict[str, Any]]) -> list[str]:
    return list(dict.fromkeys(k for row in rows for k in row))


# -- export ------------------------------------------------------------------------------------------
def export_msel(source: Path, target: Path) -> None:
    """An MSEL YAML file as .xlsx (every part) or .csv (the injects)."""
    data = YamlDoc(source).data
    if not isinstance(data, dict):
        raise ScenarioError([f"{source}:1: (document): expected a mapping of keys to values"])
    if target.suffix == ".csv":
        rows = [flatten(i) for i in data.get("injects", [])]
        with target.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(_columns(rows))
            writer.writerows([[_csv(cell_value(r.get(c))) for c in _columns(rows)] for r in rows])
        return
    from openpyxl import Workbook
    book = Workbook()
    sheet = book.active
    sheet.title = SETTINGS
    for key, value in data.items():
        if key not in LISTS:
            sheet.append([key, cell_value(value)])
    for part in LISTS:
        if part in data:
            rows = [flatten(i) for i in data[part]]
            ws = book.create_sheet(part)
            ws.append(_columns(rows))
            for r in rows:
                ws.append([cell_value(r.get(c)) for c in _columns(rows)])
    book.save(target)


def _csv(value: Any) -> Any:
    return "" if value is None else value


# -- import ------------------------------------------------------------------------------------------
class Sheet:
    """Rows of one sheet as dotted fields, remembering the cell each came from."""

    def __init__(self, name: str, header: list[Any], rows: list[list[Any]], columns: dict[str, str]) -> None:
        self.name = name
        self.fields = [columns.get(str(h).strip(), str(h).strip()) if h is not None else "" for h in header]
        self.rows = rows

    def items(self) -> list[dict[str, Any]]:
        out = []
        for row in self.rows:
            cells = {f: from_cell(v) for f, v in zip(self.fields, row) if f}
            out.append(unflatten({f: v for f, v in cells.items() if v is not None}))
        return out

    def cell(self, n: int, field: str) -> str:
        """The cell of item n's field (the longest header the field falls under; column A otherwise)."""
        above = [i for i, f in enumerate(self.fields) if f and (field == f or field.startswith(f + "."))]
        below = [i for i, f in enumerate(self.fields) if field and f.startswith(field + ".")]
        best = max(above, key=lambda i: len(self.fields[i])) if above else (below or [0])[0]
        return f"{_letter(best)}{n + 2}"


def _letter(index: int) -> str:
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def _read_xlsx(path: Path, columns: dict[str, dict[str, str]]) -> tuple[dict[str, Any], dict[str, Any]]:
    from openpyxl import load_workbook
    book = load_workbook(path, read_only=True, data_only=True)
    data: dict[str, Any] = {}
    where: dict[str, Any] = {}
    if SETTINGS in book.sheetnames:
        rows = [r for r in book[SETTINGS].iter_rows(values_only=True) if r and r[0] is not None]
        for n, r in enumerate(rows):
            key = columns.get(SETTINGS, {}).get(str(r[0]).strip(), str(r[0]).strip())
            value = from_cell(r[1] if len(r) > 1 else None)
            if value is not None:
                data[key], where[key] = value, (SETTINGS, f"B{n + 1}")
    for part in LISTS:
        if part in book.sheetnames:
            rows = [list(r) for r in book[part].iter_rows(values_only=True)]
            sheet = Sheet(part, rows[0] if rows else [], [r for r in rows[1:] if any(c is not None for c in r)],
                          columns.get(part, {}))
            data[part], where[part] = sheet.items(), sheet
    return data, where


def _read_csv(path: Path, columns: dict[str, Any], base: Path | None) -> tuple[dict[str, Any], dict[str, Any]]:
    if base is None:
        raise ScenarioError([f"{path}:1: (document): a .csv holds the injects only: give --base MSEL.yaml "
                             "for the rest"])
    data = YamlDoc(base).data
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    mapping = columns.get("injects", columns) if isinstance(columns.get("injects"), dict) else columns
    sheet = Sheet("", rows[0] if rows else [], [r for r in rows[1:] if any(c.strip() for c in r)], mapping)
    return {**data, "injects": sheet.items()}, {"injects": sheet}


def read_msel(path: Path, columns: Path | None = None, base: Path | None = None,
              scenario_from: Path | None = None) -> dict[str, Any]:
    """The MSEL data in a spreadsheet, checked; ScenarioError names each bad cell."""
    mapping = (YamlDoc(columns).data or {}) if columns else {}
    data, where = _read_csv(path, mapping, base) if path.suffix == ".csv" else _read_xlsx(path, mapping)
    try:
        msel = Msel.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError([_problem(path, where, e["loc"], e["msg"]) for e in exc.errors()]) from None
    scenario = (scenario_from or path).parent / msel.scenario
    if scenario.is_file():
        found = cross_check(msel, load_scenario(scenario))
        if found:
            raise ScenarioError([_problem(path, where, loc, msg) for loc, msg in found])
    return data


def _problem(path: Path, where: dict[str, Any], loc: tuple, message: str) -> str:
    loc = tuple(p for p in loc if not (isinstance(p, str) and p.startswith("function-")))
    field = ".".join(str(p) for p in loc) or "(document)"
    place = where.get(loc[0]) if loc else None
    if isinstance(place, Sheet) and len(loc) > 1 and isinstance(loc[1], int):
        cell = place.cell(loc[1], ".".join(str(p) for p in loc[2:]))
        return f"{path}!{place.name + '!' if place.name else ''}{cell}: {field}: {message}"
    if isinstance(place, tuple):
        return f"{path}!{place[0]}!{place[1]}: {field}: {message}"
    return f"{path}!{SETTINGS}!A1: {field}: {message}"


def import_msel(source: Path, target: Path, columns: Path | None = None, base: Path | None = None) -> None:
    """A spreadsheet MSEL, checked cell by cell, written as YAML (the scenario path read from `target`'s folder)."""
    data = read_msel(source, columns, base, scenario_from=target)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(f"# Imported from {source.name} by `run_sim.py msel-import`.\n"
                      + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=110), encoding="utf-8")
