"""The after-action report / improvement plan (AAR/IP) of a drill folder, in Markdown and HTML, zh or en.

The report is built once as a list of blocks (headings, paragraphs, lists, tables, figures) and
rendered twice, so the Markdown and the HTML always say the same. Charts are matplotlib PNGs with
the CJK font of `mplfonts`, drawn for one branch or, with `against`, two branches overlaid.
"""
from __future__ import annotations

import html
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from drills.evaluate import Evaluation, Expectation, Finding, ObjectiveResult, aviation_phases, evaluate  # noqa: E402
from drills.log import header, read_log  # noqa: E402
from drills.msel import LoadedMsel, clock_text, load_msel  # noqa: E402
from drills.signoff import FILE as SIGNOFF  # noqa: E402
from drills.signoff import load_signoff
from drills.texts import TEXT, engine, local  # noqa: E402
from sim.events import Event, read_events  # noqa: E402
from sim.metrics import TEN_HOURS, TWO_HOURS_MIN  # noqa: E402
from viz.cjk import use_cjk_in_matplotlib

LEVEL_RANK = {"IV": 1, "III": 2, "II": 3, "I": 4}
NOWRAP = 12                 # characters: a cell this short keeps to one line
RATING_COLOUR = {"P": "#2e7d32", "S": "#9e9d24", "M": "#ef6c00", "U": "#c62828"}


class Mark(NamedTuple):
    """A table cell drawn as a badge (`rating`) or a coloured status (`status`). A typed value, not a
    prefix in the text, so that no id or message from an MSEL can pose as one."""
    kind: str
    cls: str
    text: str


def _rating(r: str) -> Mark:
    return Mark("rating", r, r)
BRANCH_COLOUR = ("#1565c0", "#d84315")
KPIS = ("aviation.share_within_2h", "aviation.p50_min", "aviation.p90_min", "relief.share_within_10h",
        "relief.p90_hours", "rescue.rescued_alive", "rescue.deaths", "command.level", "command.time_to_level_min",
        "command.mutual_aid_min")


@dataclass
class Branch:
    """One drill folder, read back and evaluated."""
    folder: Path
    msel: LoadedMsel
    records: list[dict[str, Any]]
    events: list[Event]
    evaluation: Evaluation

    @property
    def label(self) -> str:
        start = header(self.records)
        return f"{self.folder.name}" + (f" (T+{clock_text(start['branch_at'])})" if "branch_at" in start else "")

    def site_name(self, site: str | None) -> str:
        return next((e.data["name"] for e in self.events if e.kind == "impact" and e.place == site), site or "")

    def role(self, role_id: str | None, t: dict[str, str]) -> str:
        """A role's name in the report's language, its id in brackets where the name is translated."""
        name = self.msel.role_name(role_id or "")
        short = local(name, t["lang"])
        return f"{short} ({role_id})" if short != name else name

    def extra(self, name: str) -> dict[str, Any]:
        """A JSON file that a later command left in the folder (revision.json, seeds.json), or {}."""
        path = self.folder / name
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def load_branch(folder: Path, signoff: Path | None = None) -> Branch:
    """A drill folder read back and evaluated, with the lead evaluator's sign-off (signoff.yaml there)."""
    records = read_log(folder / "drill.jsonl")
    msel = load_msel(_msel_path(folder, header(records)))
    events = read_events(folder / "events.jsonl")
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    signoff = signoff or (folder / SIGNOFF if (folder / SIGNOFF).is_file() else None)
    signed = load_signoff(signoff, msel) if signoff else None
    return Branch(folder, msel, records, events, evaluate(msel, records, events, summary, signed))


def _msel_path(folder: Path, start: dict[str, Any]) -> Path:
    given = Path(start["msel"])
    for candidate in (given, folder / given, Path("scenarios/msel") / f"{start['drill']}.yaml"):
        if candidate.is_file():
            return candidate
    return given


def write_report(folder: Path, lang: str = "en", against: Path | None = None,
                 signoff: Path | None = None) -> list[Path]:
    """Write aar.md, aar.html and charts/*.png into the drill folder; returns the report paths."""
    branches = [load_branch(folder, signoff)] + ([load_branch(against)] if against else [])
    t = TEXT[lang]
    use_cjk_in_matplotlib()
    charts = draw_charts(branches, folder / "charts", t)
    blocks = report_blocks(branches, charts, t)
    md, page = folder / "aar.md", folder / "aar.html"
    md.write_text(to_markdown(blocks), encoding="utf-8")
    page.write_text(to_html(blocks, t["title"], lang), encoding="utf-8")
    return [md, page]


# -- text -----------------------------------------------------------------------------------------------
def _t(minutes: float | None) -> str:
    return "—" if minutes is None else "T+" + clock_text(minutes)


def _decision_text(d: dict[str, Any], b: Branch, t: dict[str, str]) -> str:
    parts = [t.get(f"kind:{d['kind']}", d["kind"])]
    if d.get("need"):
        parts.append(t["need:" + d["need"]])
    if d.get("unit"):
        parts.append(d["unit"])
    if d.get("level"):
        parts.append(t["level"].format(d["level"]))
    if d.get("place"):
        parts.append("→ " + b.site_name(d.get("site") or d["place"]))
    if d.get("items"):
        parts.append(", ".join(f"{t.get('item:' + k, k)} {v:,.0f}" for k, v in d["items"].items()))
    if d.get("text"):
        parts.append(f"“{local(d['text'], t['lang'])}”")
    return " ".join(parts)


def _expect_text(x: Expectation, t: dict[str, str]) -> str:
    e = x.expect
    bits = [t.get(f"kind:{e.action}", e.action)] + [v for v in (e.unit, e.place) if v]
    if e.need:
        bits.append(t["need:" + e.need])
    if e.level:
        bits.append(t["level"].format(e.level))
    return " ".join(bits) + " " + t["within"].format(e.within_min)


def _status(x: Expectation, t: dict[str, str], b: Branch | None = None) -> str:
    """The outcome of an expected action in words: late by how much, whose it was, when it really launched."""
    if x.status == "late":
        return t["late_by"].format(x.late_by)
    if x.status == "merged":
        own = "" if x.decision is None else f" ({_t(x.taken)}: " + (
            t["late_by"].format(x.late_by) if x.late_by else t["status:on_time"]) + ")"
        return t["status:merged"].format(root=x.merged_into) + own
    if x.status == "other_role":
        who = x.elsewhere.get("role") or x.elsewhere.get("by")
        return t["status:other_role"].format(role=b.role(who, t) if b else who) + f" ({_t(x.elsewhere['t'])})"
    if x.status == "ineffective":
        c = x.closed
        return t["status:ineffective"].format(base=c["base"], until=_t(c["until"]), launch=_t(c["launch"])
                                              if c["launch"] is not None else t["never"])
    return t[f"status:{x.status}"]


def _evidence(r, b: Branch, t: dict[str, str]) -> str:
    o = r.objective
    if r.expectation is not None:
        x = r.expectation
        taken = _t(x.decision["t"]) if x.decision else t["never"]
        return t["evidence_action"].format(action=_expect_text(x, t), taken=taken, deadline=_t(x.deadline),
                                           status=_status(x, t, b))
    target = f"≥ {_fmt(o.kpi, o.at_least, t)}" if o.at_least is not None else f"≤ {_fmt(o.kpi, o.at_most, t)}"
    text = t["evidence_kpi"].format(kpi=t.get("kpi:" + o.kpi, o.kpi), value=_fmt(o.kpi, r.value, t), target=target)
    if o.kpi == "aviation.share_within_2h":
        late = [f"{b.site_name(s)} {_t(p['arrived']) if p['arrived'] is not None else t['never']}"
                for s, p in aviation_phases(b.events).items() if p["arrived"] is None or p["arrived"] > TWO_HOURS_MIN]
        text += ("; " + t["over_2h"] + ": " + ", ".join(late)) if late else ""
    if o.kpi == "relief.share_within_10h":
        hours = b.evaluation.summary.get("relief.hours", {})
        late = [f"{b.site_name(s)} {t['u_h'].format(h)}" if h is not None else f"{b.site_name(s)} {t['never']}"
                for s, h in hours.items() if h is None or h > TEN_HOURS]
        text += ("; " + t["over_10h"] + ": " + ", ".join(late)) if late else ""
    return text


def _fmt(kpi: str, value: Any, t: dict[str, str]) -> str:
    if value is None:
        return "—"
    if "share" in kpi:
        return f"{value:.0%}"
    if kpi.endswith("_min"):
        return t["u_min"].format(value)
    if kpi.endswith("_hours"):
        return t["u_h"].format(value)
    if kpi == "command.level":
        return t["level"].format(value)
    return f"{value:,}" if isinstance(value, int) else str(value)


def _finding_text(key: str, b: Branch, t: dict[str, str]) -> str:
    """A finding key (`objective:ID`, `expect:I-02`, `cause:air_deciding`, `rejected:kind:why`) in words."""
    kind, _, rest = key.partition(":")
    if kind == "objective":
        r = next(r for r in b.evaluation.objectives if r.objective.id == rest)
        return f"{rest} ({r.rating}): {local(r.objective.text, t['lang'])}"
    if kind == "expect":
        x = next(x for x in b.evaluation.expectations if x.source == rest)
        return f"{rest}: {_expect_text(x, t)} — {_status(x, t, b)}"
    if kind == "rejected":
        what, _, why = rest.partition(":")
        return t["rejected_issue"].format(kind=t.get(f"kind:{what}", what), why=engine(why, t["lang"]))
    return t.get(key, key)


# -- blocks --------------------------------------------------------------------------------------------
def report_blocks(branches: list[Branch], charts: list[tuple[Path, str]], t: dict[str, str]) -> list[tuple]:
    b = branches[0]
    m = b.msel.msel
    blocks: list[tuple] = [("h1", f"{t['title']}: {local(m.title or m.drill, t['lang'])}")]
    blocks += _overview(b, t)
    ev = b.evaluation
    signed = t["signed_by"].format(lead=local(ev.lead, t["lang"])) if ev.lead else t["not_signed"]
    blocks += [("h2", t["objectives"]), ("p", signed),
               ("table", [t["col_id"], t["col_objective"], t["col_owner"], t["col_rating"], t["col_proposed"],
                          t["col_met"], t["col_evidence"], t["col_observations"]], _objective_rows(b, t))]
    blocks += _guides(b, t)
    blocks += [("h3", t["method"]), ("ul", t["method_rules"])]
    blocks += _timeline(b, t)
    blocks += [("h2", t["kpis"]), ("table", [t["col_kpi"], *[x.label for x in branches]],
                                   [[t.get("kpi:" + k, k), *[_fmt(k, x.evaluation.summary.get(k), t)
                                                             for x in branches]] for k in KPIS])]
    blocks += [("img", str(path.relative_to(b.folder)), caption) for path, caption in charts]
    if len(branches) > 1:
        blocks += _comparison(branches, t)
    blocks += _hot_wash(b, t)
    blocks += [("h2", t["ip"]), ("p", t["ip_note"]), ("table", [t["col_n"], t["col_objective"], t["col_issue"],
                                                                t["col_cause"], t["col_action"], t["col_element"],
                                                                t["col_owner"], t["col_grade"], t["col_start"],
                                                                t["col_due"], t["col_change"], t["col_effect_ci"]],
                                                      _ip_rows(b, t))]
    return blocks


def _overview(b: Branch, t: dict[str, str]) -> list[tuple]:
    m, start, ev = b.msel.msel, header(b.records), b.evaluation
    rows = [[t["drill"], m.drill], [t["scenario"], f"{b.msel.loaded.scenario.title} ({m.scenario})"],
            [t["seed"], str(start["seed"])], [t["date"], ev.start_date.isoformat()],
            [t["roles"], ", ".join(b.role(r.id, t) for r in m.roles)],
            [t["played"], t["played_fmt"].format(injects=len(ev.injects), decisions=len(ev.decisions))]]
    if "branch_at" in start:
        rows.append([t["branch"], f"{start['branch_of']} @ {_t(start['branch_at'])}"])
    return [("h2", t["overview"]), ("table", ["", ""], rows)]


def _objective_rows(b: Branch, t: dict[str, str]) -> list[list[str | Mark]]:
    return [[r.objective.id, local(r.objective.text, t["lang"]), b.role(r.objective.owner, t), _reported(r, t),
             _rating(r.proposed), t["yes"] if r.met else t["no"], _evidence(r, b, t), _remarks(r, b, t)]
            for r in b.evaluation.objectives]


def _reported(r: ObjectiveResult, t: dict[str, str]) -> Mark:
    """The rating reported, marked signed or proposed."""
    return Mark("rating", r.rating, f"{r.rating} · {t['signed' if r.signed else 'proposed']}")


def _remarks(r: ObjectiveResult, b: Branch, t: dict[str, str]) -> str:
    """The lead evaluator's reason for a rating that differs from the proposed one, then the observations."""
    why = f"{t['reason']}: {local(r.reason, t['lang'])}" if r.signed and r.signed != r.proposed and r.reason else ""
    seen = _observed(r.observations, b, t)
    return "; ".join(x for x in (why, seen if seen != "—" else "") if x) or "—"


def _observed(observations: list[dict[str, Any]], b: Branch, t: dict[str, str]) -> str:
    return "; ".join(f"{_t(o['t']) + ' ' if o.get('t') is not None else ''}{b.role(o['by'], t) if o.get('by') else ''}"
                     f": {local(o['text'], t['lang'])}" for o in observations) or "—"


def _guides(b: Branch, t: dict[str, str]) -> list[tuple]:
    """Per objective with an evaluation guide: capability target, critical tasks, evidence, observations."""
    rows = [[r.objective.id, local(r.objective.guide.capability, t["lang"]), f"{task.id} {local(task.text, t['lang'])}",
             "; ".join(_found(ev, what, b, t) for ev, what in task.found) or "—", _observed(task.observations, b, t)]
            for r in b.evaluation.objectives if r.objective.guide for task in r.tasks]
    if not rows:
        return []
    return [("h2", t["guides"]), ("table", [t["col_id"], t["col_capability"], t["col_task"], t["col_evidence_events"],
                                            t["col_seen"]], rows)]


def _found(ev, what: Any, b: Branch, t: dict[str, str]) -> str:
    """One piece of evidence of a critical task in words."""
    if ev.expect is not None:
        x = what
        return f"{ev.expect}: " + (_t(x.decision["t"]) + " " if x and x.decision else "") + (
            _status(x, t, b) if x else t["status:not_released"])
    if ev.decision is not None:
        kind = t.get(f"kind:{ev.decision}", ev.decision)
        times = ", ".join(_t(d["t"]) for d in what)
        return t["ev_decisions"].format(kind=kind, times=times) if what else t["ev_none"].format(kind=kind)
    first, n = what
    kind = t.get(f"event:{ev.event}", ev.event) + (f" {ev.place}" if ev.place else "")
    return t["ev_event"].format(kind=kind, t=_t(first), n=n) if n else t["ev_none"].format(kind=kind)


def _timeline(b: Branch, t: dict[str, str]) -> list[tuple]:
    ev = b.evaluation
    expected = [[x.source, _expect_text(x, t), b.role(x.owner, t), _t(x.anchor), _t(x.deadline),
                 _t(x.decision["t"]) if x.decision else "—", Mark("status", x.status, _status(x, t, b))]
                for x in sorted(ev.expectations, key=lambda x: (x.anchor is None, x.anchor or 0))]
    decided = [[_t(d["t"]), _decision_text(d, b, t), b.role(d.get("role") or d.get("by"), t) or d.get("source", ""),
                Mark("status", cls, t["class:" + cls] + (f" ({engine(d['error'], t['lang'])})"
                                                         if d.get("error") else ""))]
               for d, cls in ev.decisions]
    injects = [[_t(r["t"]), r["id"], f"{local(r['from'], t['lang'])} → {b.role(r['to'], t)}",
                t.get(f"ch:{r['channel']}", r["channel"]), local(r["message"], t["lang"]),
                (t.get(f"effect:{r['effect']}", r["effect"]) if r["effect"] else "")
                + ("" if r["result"] == "ok" else f" ({engine(r['result'], t['lang'])})")]
               for r in ev.injects]
    return [("h2", t["timeline"]), ("p", t["timeline_note"]),
            ("table", [t["col_source"], t["col_expected"], t["col_to"], t["col_from_t"], t["col_deadline"],
                       t["col_taken"], t["col_status"]], expected),
            ("h3", t["decisions"]),
            ("table", [t["col_time"], t["col_decision"], t["col_by"], t["col_result"]], decided),
            ("h3", t["injects"]), ("table", [t["col_time"], t["col_id"], t["col_from_to"], t["col_channel"],
                                             t["col_message"], t["col_effect"]], injects)]


def _comparison(branches: list[Branch], t: dict[str, str]) -> list[tuple]:
    a, b = branches
    rows = []
    for k in KPIS:
        va, vb = a.evaluation.summary.get(k), b.evaluation.summary.get(k)
        delta = f"{vb - va:+.2f}" if isinstance(va, (int, float)) and isinstance(vb, (int, float)) else ""
        rows.append([t.get("kpi:" + k, k), _fmt(k, va, t), _fmt(k, vb, t), delta])
    timeline = [[_t(d["t"]), x.label, _decision_text(d, x, t)] for x in branches for d, _ in x.evaluation.decisions]
    timeline.sort(key=lambda r: r[0])
    ratings = [[r.objective.id, _rating(r.rating), _rating(q.rating)]
               for r, q in zip(a.evaluation.objectives, b.evaluation.objectives)]
    return [("h2", t["compare"]), ("p", t["compare_note"].format(a=a.label, b=b.label)),
            ("table", [t["col_kpi"], a.label, b.label, "Δ"], rows),
            ("table", [t["col_id"], a.label, b.label], ratings),
            ("table", [t["col_time"], t["col_branch"], t["col_decision"]], timeline)] + _over_seeds(a, b, t)


def _over_seeds(a: Branch, b: Branch, t: dict[str, str]) -> list[tuple]:
    """The branch replayed on many seeds (`drill --branch-at ... --runs N` leaves seeds.json in its folder)."""
    seeds = b.extra("seeds.json")
    if not seeds:
        return []
    la, lb = a.label, b.label
    rows = [[t.get("kpi:" + k, k), _fmt(k, v["A"]["mean"], t), _fmt(k, v["B"]["mean"], t), _ci(v["b_minus_a"]),
             f"{v['b_better']:.0%}" if v.get("b_better") is not None else "—"] for k, v in seeds["kpis"].items()]
    return [("h3", t["seeds"].format(n=seeds["runs"])),
            ("table", [t["col_kpi"], t["col_mean_a"].format(a=la), t["col_mean_b"].format(b=lb),
                       t["col_diff_ci"].format(a=la, b=lb), t["col_b_better"].format(b=lb)], rows)]


def _ci(d: dict[str, Any]) -> str:
    if d.get("diff") is None:
        return "—"
    return f"{d['diff']:+.3g} [{d['ci95'][0]:+.3g}, {d['ci95'][1]:+.3g}]"


def _hot_wash(b: Branch, t: dict[str, str]) -> list[tuple]:
    ev = b.evaluation
    strengths = [_finding_text(s, b, t) for s in ev.strengths] or [t["none"]]
    areas = [f"{f.id} {_finding_text(f.issue, b, t)} — {t.get(f.cause, f.cause)}" for f in ev.findings] or [t["none"]]
    return [("h2", t["hot_wash"]), ("h3", t["strengths"]), ("ul", strengths), ("h3", t["areas"]), ("ul", areas)]


def _ip_rows(b: Branch, t: dict[str, str]) -> list[list[str]]:
    ev, revised = b.evaluation, b.extra("revision.json")
    return [[f.id, f.objective or "—", _finding_text(f.issue, b, t), t.get(f.cause, f.cause),
             local(f.recommendation, t["lang"]) if f.prepared else t.get(f.recommendation, f.recommendation),
             t[f"element:{f.element}"], b.role(f.owner, t), t[f"grade:{f.grade}"], ev.start_date.isoformat(),
             f.due.isoformat(), change_text(f, t), _effect(revised.get("items", {}).get(f.id), revised, t)]
            for f in ev.findings]


def change_text(f: Finding, t: dict[str, str]) -> str:
    """An item's machine-readable plan change as a reader sees it."""
    parts = [f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in (f.change or {}).items()]
    if f.plan:
        parts.append(t["change_fragment"].format(keys=", ".join(f.plan)))
    return "; ".join(parts) or "—"


def _effect(item: dict[str, Any] | None, revised: dict[str, Any], t: dict[str, str]) -> str:
    """What `revise` measured for an accepted item: the paired effect of the revised plan, per objective."""
    if not item:
        return "—"
    lines = [t["effect_fmt"].format(id=o["id"], diff=f"{o['diff']:+.3g}", lo=f"{o['ci95'][0]:+.3g}",
                                    hi=f"{o['ci95'][1]:+.3g}", n=o["n"]) for o in revised["effect"]
             if o["diff"] is not None]
    return t["accepted"].format(file=revised["file"]) + ": " + "; ".join(lines)


# -- rendering -------------------------------------------------------------------------------------------
def _md(text: str) -> str:
    """User text inert in Markdown: renderers pass raw HTML through, so it is escaped as in a page."""
    return html.escape(text, quote=False)


def _cell_md(cell: str | Mark) -> str:
    if isinstance(cell, Mark):
        return f"**{_md(cell.text)}**" if cell.kind == "rating" else _md(cell.text)
    return _md(cell).replace("|", "\\|").replace("\n", " ")


def _cell_html(cell: str | Mark) -> str:
    if not isinstance(cell, Mark):
        return html.escape(cell)
    if cell.kind == "rating":
        colour = RATING_COLOUR.get(cell.cls, "#777")
        return f'<span class="badge" style="background:{colour}">{html.escape(cell.text)}</span>'
    return f'<span class="st-{html.escape(cell.cls)}">{html.escape(cell.text)}</span>'


def to_markdown(blocks: list[tuple]) -> str:
    out = []
    for block in blocks:
        kind = block[0]
        if kind in ("h1", "h2", "h3"):
            out.append("#" * int(kind[1]) + " " + _md(block[1]).replace("\n", " "))
        elif kind == "p":
            out.append(_md(block[1]))
        elif kind == "ul":
            out.append("\n".join(f"- {_md(item)}" for item in block[1]))
        elif kind == "img":
            out.append(f"![{_md(block[2])}]({block[1]})")
        else:
            head, rows = block[1], block[2]
            lines = ["| " + " | ".join(_cell_md(h) for h in head) + " |", "|" + "---|" * len(head)]
            lines += ["| " + " | ".join(_cell_md(c) for c in row) + " |" for row in rows]
            out.append("\n".join(lines))
    return "\n\n".join(out) + "\n"


CSS = """body{font-family:"Noto Sans CJK SC","Noto Sans SC","Microsoft YaHei",sans-serif;margin:2em auto;
max-width:1180px;color:#222;line-height:1.45}h1{border-bottom:3px solid #1565c0;padding-bottom:.3em}
h2{color:#1565c0;margin-top:1.6em}table{border-collapse:collapse;width:100%;font-size:13px;margin:.6em 0}
th,td{border:1px solid #ccc;padding:4px 6px;
vertical-align:top;text-align:left}th{background:#eef3fb}tr:nth-child(even) td{background:#fafafa}
.badge{color:#fff;font-weight:bold;padding:1px 8px;border-radius:10px}figure{display:inline-block;width:49%;margin:0}
figure img{width:100%}figcaption{font-size:12px;color:#555}.st-on_time,.st-expected{color:#2e7d32}
.st-late,.st-unexpected{color:#ef6c00;font-weight:bold}.st-missing,.st-rejected{color:#c62828;font-weight:bold}
.st-note,.st-not_released,.st-merged{color:#777}.st-ineffective,.st-other_role{color:#c62828}
td.nw,th{white-space:nowrap}td{min-width:3em}"""


def _nowrap(cell: str | Mark) -> str:
    """Short cells (ids, times, ratings, grades) never wrap, so a narrow column is not one character a line."""
    text = cell.text if isinstance(cell, Mark) else cell
    return ' class="nw"' if len(text) <= NOWRAP else ""


def to_html(blocks: list[tuple], title: str, lang: str) -> str:
    body = []
    for block in blocks:
        kind = block[0]
        if kind in ("h1", "h2", "h3", "p"):
            body.append(f"<{kind}>{html.escape(block[1])}</{kind}>")
        elif kind == "ul":
            body.append("<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in block[1]) + "</ul>")
        elif kind == "img":
            body.append(f'<figure><img src="{html.escape(block[1])}" alt="{html.escape(block[2])}">'
                        f"<figcaption>{html.escape(block[2])}</figcaption></figure>")
        else:
            head = "".join(f"<th>{html.escape(h)}</th>" for h in block[1]) if any(block[1]) else ""
            rows = "".join("<tr>" + "".join(f"<td{_nowrap(c)}>{_cell_html(c)}</td>" for c in row) + "</tr>"
                           for row in block[2])
            body.append(f"<table>{'<tr>' + head + '</tr>' if head else ''}{rows}</table>")
    return (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"<style>{CSS}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n")


# -- charts -------------------------------------------------------------------------------------------
def draw_charts(branches: list[Branch], folder: Path, t: dict[str, str]) -> list[tuple[Path, str]]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, draw in (("reach", _reach), ("relief", _relief), ("gantt", _gantt), ("level", _level)):
        fig, ax = plt.subplots(figsize=(7.2, 4.2), dpi=110)
        caption = draw(ax, branches, t)
        fig.tight_layout()
        path = folder / f"{name}.png"
        fig.savefig(path)
        plt.close(fig)
        out.append((path, caption))
    return out


def _reach(ax, branches: list[Branch], t: dict[str, str]) -> str:
    """First aircraft per site; a site never reached gets a pale bar to the edge, labelled inside the axes
    (a label past the axis limit would be cut off and push the layout out)."""
    sites = [e.place for e in branches[0].events if e.kind == "impact"]
    height = 0.8 / len(branches)
    reached = [v for b in branches for v in b.evaluation.summary.get("aviation.first_arrival_min", {}).values()
               if v is not None]
    right = max([TWO_HOURS_MIN * 2, *reached]) * 1.15
    for k, b in enumerate(branches):
        first = b.evaluation.summary.get("aviation.first_arrival_min", {})
        ys = [i + k * height for i in range(len(sites))]
        vals = [first.get(s) for s in sites]
        bars = ax.barh(ys, [v if v is not None else right for v in vals], height=height, color=BRANCH_COLOUR[k],
                       label=b.label)
        for bar, v in zip(bars, vals):
            bar.set_alpha(1.0 if v is not None else 0.3)
        for y, v in zip(ys, vals):
            if v is None:
                ax.text(right, y, f"{t['never']} ", va="center", ha="right", fontsize=7)
            else:
                ax.text(v, y, f" {v:.0f}", va="center", fontsize=7)
    ax.axvline(TWO_HOURS_MIN, color="#c62828", ls="--", label=t["line_2h"])
    ax.set_yticks([i + 0.4 - height / 2 for i in range(len(sites))], [branches[0].site_name(s) for s in sites])
    ax.set_xlim(0, right)
    ax.set_xlabel(t["ax_minutes"])
    ax.set_title(t["chart_reach"])
    ax.legend(fontsize=7, loc="lower right")
    return t["chart_reach"]


def _relief(ax, branches: list[Branch], t: dict[str, str]) -> str:
    for k, b in enumerate(branches):
        need = {e.place: e.data["homeless"] for e in b.events if e.kind == "impact" and e.data["homeless"] > 0}
        total = sum(need.values()) or 1
        times = sorted((e.t / 60, need.get(e.place, 0)) for e in b.events if e.kind == "relieved" and e.place in need)
        xs, ys, acc = [0.0], [0.0], 0
        for h, n in times:
            acc += n
            xs.append(h)
            ys.append(acc / total)
        xs.append(b.msel.loaded.scenario.hours)
        ys.append(ys[-1])
        ax.step(xs, ys, where="post", color=BRANCH_COLOUR[k], label=b.label, lw=2)
    ax.axvline(TEN_HOURS, color="#c62828", ls="--", label=t["line_10h"])
    ax.axhline(0.9, color="#777", ls=":", lw=1)
    ax.set_ylim(0, 1.02)
    ax.set_xlim(0, 24)
    ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    ax.set_xlabel(t["ax_hours"])
    ax.set_ylabel(t["ax_relieved"])
    ax.set_title(t["chart_relief"])
    ax.legend(fontsize=7, loc="lower right")
    return t["chart_relief"]


def _gantt(ax, branches: list[Branch], t: dict[str, str]) -> str:
    b = branches[0]
    grounded = [(e.t, e.agent if e.kind == "unserviceable" else e.data["unit"]) for e in b.events
                if e.kind == "unserviceable" or (e.kind == "inject_effect" and e.data.get("effect") == "unserviceable")]
    names = sorted({e.agent for e in b.events if e.kind == "launch"} | {who for _, who in grounded})
    rows = {n: i for i, n in enumerate(names)}
    open_at: dict[str, float] = {}
    for e in b.events:
        if e.kind == "launch":
            open_at[e.agent] = e.t
        elif e.kind == "land" and e.agent in open_at:
            start = open_at.pop(e.agent)
            ax.barh(rows[e.agent], (e.t - start) / 60, left=start / 60, color=BRANCH_COLOUR[0], height=0.6)
    for t_min, who in grounded:
        ax.plot([t_min / 60], [rows[who]], marker="x", color="#c62828", ms=9, clip_on=False)
    hours = b.msel.loaded.scenario.hours          # the whole drill, not its first day
    for agent, start in open_at.items():
        ax.barh(rows[agent], hours - start / 60, left=start / 60, color=BRANCH_COLOUR[0], height=0.6, alpha=0.5)
    ax.axvline(TWO_HOURS_MIN / 60, color="#c62828", ls="--", lw=1)
    ax.set_yticks(range(len(names)), names, fontsize=7)
    ax.set_xlim(0, hours)
    ax.set_xlabel(t["ax_hours"])
    ax.set_title(t["chart_gantt"])
    return t["chart_gantt"] + f" ({b.label})"


def _level(ax, branches: list[Branch], t: dict[str, str]) -> str:
    for k, b in enumerate(branches):
        xs, ys = [0.0], [0]
        for e in b.events:
            if e.kind == "level":
                xs.append(e.t / 60)
                ys.append(LEVEL_RANK[e.data["level"]])
        xs.append(b.msel.loaded.scenario.hours)
        ys.append(ys[-1])
        ax.step(xs, ys, where="post", color=BRANCH_COLOUR[k], lw=2, label=b.label)
        for d, _ in b.evaluation.decisions:
            if d["kind"] == "set_level" and d["ok"]:
                ax.plot([d["t"] / 60], [LEVEL_RANK[d["level"]]], marker="v", color=BRANCH_COLOUR[k], ms=8)
    for r in branches[0].evaluation.injects:
        ax.axvline(r["t"] / 60, color="#999", lw=0.6, ls=":")
    ax.set_yticks(range(5), [t["no_response"], "IV", "III", "II", "I"])
    ax.set_xlim(0, 24)
    ax.set_ylim(-0.3, 4.3)
    ax.set_xlabel(t["ax_hours"])
    ax.set_title(t["chart_level"])
    ax.legend(fontsize=7, loc="lower right")
    return t["chart_level"]
