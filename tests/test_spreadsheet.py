"""Spreadsheet MSELs: YAML -> xlsx -> YAML gives the same data; mistakes name file!sheet!cell; CSV with a column map."""
from __future__ import annotations

import os
import shutil

import yaml
from openpyxl import load_workbook

from drills.msel import load_msel
from run_sim import main
from tests.conftest import LUDING, ROOT

MSEL = ROOT / "scenarios" / "msel" / "luding-ttx.yaml"


def test_yaml_to_xlsx_to_yaml_is_identical(tmp_path):
    book, back = tmp_path / "luding-ttx.xlsx", tmp_path / "msel" / "luding-ttx.yaml"
    shutil.copy(ROOT / "scenarios" / "luding-2022.yaml", tmp_path / "luding-2022.yaml")
    shutil.copytree(ROOT / "scenarios" / "plans", tmp_path / "plans")
    assert main(["msel-export", str(MSEL), "--to", str(book)]) == 0
    assert load_workbook(book).sheetnames == ["drill", "roles", "objectives", "injects", "improvements"]
    assert main(["msel-import", str(book), "--to", str(back)]) == 0
    assert yaml.safe_load(back.read_text(encoding="utf-8")) == yaml.safe_load(MSEL.read_text(encoding="utf-8"))
    assert load_msel(back).msel == load_msel(MSEL).msel


def test_three_mistakes_give_three_cell_lines_and_exit_2(tmp_path, capsys):
    book = tmp_path / "bad.xlsx"
    main(["msel-export", str(MSEL), "--to", str(book)])
    wb = load_workbook(book)
    injects, roles = wb["injects"], wb["roles"]
    col = {c.value: c.column_letter for c in injects[1]}
    injects[f"{col['at']}2"] = "1h30"                      # I-01's time
    injects[f"{col['channel']}3"] = "pigeon"               # I-02's channel
    desk = {c.value: c.column_letter for c in roles[1]}["desk"]
    roles[f"{desk}8"] = "umpire"                           # the 7th role's desk
    wb.save(book)
    capsys.readouterr()
    assert main(["msel-import", str(book), "--to", str(tmp_path / "out.yaml")]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 3, lines
    assert lines[0].startswith(f"{book}!roles!{desk}8: roles.6.desk: ")
    assert lines[1].startswith(f"{book}!injects!{col['at']}2: injects.0.at: ")
    assert lines[2].startswith(f"{book}!injects!{col['channel']}3: injects.1.channel: ")
    assert not (tmp_path / "out.yaml").exists()


def test_a_csv_with_its_own_headers_imports_through_a_column_map(tmp_path, write, capsys):
    base = write(f"""\
        drill: csv
        scenario: {os.path.relpath(LUDING, tmp_path)}
        roles: [{{id: provincial-hq, name: HQ}}, {{id: luding-county, name: county}}]
        objectives: [{{id: o1, text: reach, kpi: aviation.share_within_2h, at_least: 0.9}}]
        injects: [{{id: I-01, at: "00:10", from: CENC, to: provincial-hq, message: M6.8}}]
        """, "base.yaml")
    csv_file, columns, out = tmp_path / "injects.csv", tmp_path / "columns.yaml", tmp_path / "csv.yaml"
    csv_file.write_text("No.,Time,Sender,Recipient,Text,Expected action,Within (min)\n"
                        "X-1,00:15,CENC,provincial-hq,M6.8 quick report,set_level,60\n"
                        "X-2,00:25,Luding EMB,luding-county,Moxi cut off,,\n", encoding="utf-8")
    columns.write_text("{No.: id, Time: at, Sender: from, Recipient: to, Text: message, Expected action: expect.action,"
                       " 'Within (min)': expect.within_min}\n", encoding="utf-8")
    args = ["msel-import", str(csv_file), "--to", str(out), "--columns", str(columns), "--base", str(base)]
    assert main(args) == 0
    injects = load_msel(out).msel.injects
    assert [(i.id, i.at, i.to) for i in injects] == [("X-1", 15, "provincial-hq"), ("X-2", 25, "luding-county")]
    assert injects[0].expect.within_min == 60 and injects[1].expect is None
    csv_file.write_text(csv_file.read_text(encoding="utf-8").replace("luding-county", "mayor"), encoding="utf-8")
    capsys.readouterr()
    assert main(args) == 2
    assert f"{csv_file}!D3: injects.1.to: unknown role 'mayor'" in capsys.readouterr().err
