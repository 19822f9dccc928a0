// The drill room's pages: join, a desk (player), the controller and evaluators. No framework, no build.
// Everything shown comes from the server's view over one WebSocket; text goes in by textContent only.
"use strict";
const T = JSON.parse(document.getElementById("strings").textContent);
const PAGE = document.body.dataset.page;
const main = document.getElementById("main");
const t = (k) => T[k] || k;

function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "on") for (const [ev, f] of Object.entries(v)) e.addEventListener(ev, f);
    else if (v !== null && v !== undefined && v !== false) e.setAttribute(k, v === true ? "" : v);
  }
  for (const kid of kids.flat()) e.append(kid instanceof Node ? kid : document.createTextNode(String(kid ?? "")));
  return e;
}

let toastTimer = null;
function toast(text, ok) {
  // A result for a few seconds, then out of the way: fixed at the bottom right, it would cover a form's button.
  const box = document.getElementById("toast");
  box.textContent = text;
  box.className = ok ? "ok" : "bad";
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { box.textContent = ""; box.className = ""; }, 8000);
}

function table(cols, rows) {
  return el("table", {}, el("thead", {}, el("tr", {}, cols.map((c) => el("th", {}, t(c))))),
    el("tbody", {}, rows.map((r) => el("tr", {}, r.map((c) => el("td", {}, c))))));
}

function section(id, title, ...body) {
  return el("section", {id}, el("h2", {}, t(title)), ...body);
}

// -- join --------------------------------------------------------------------------------------
function joinPage() {
  const code = el("input", {id: "code", name: "code", autocomplete: "off", autocapitalize: "characters",
                            required: true, placeholder: "ABCD-EFGH"});
  const form = el("form", {id: "join"}, el("label", {for: "code"}, t("code")), code,
                  el("button", {type: "submit"}, t("join")));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const r = await fetch("/join", {method: "POST", headers: {"Content-Type": "application/json"},
                                    body: JSON.stringify({code: code.value})});
    if (r.ok) location.href = "/desk" + location.search;
    else toast(t("bad_code"), false);
  });
  main.append(el("p", {}, t("join_help")), form);
}

// -- the socket ----------------------------------------------------------------------------------
let ws = null, view = null, built = null;
function connect() {
  ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws");
  ws.onmessage = (m) => {
    const msg = JSON.parse(m.data);
    if (msg.op === "state") { view = msg.view; render(); }
    else if (msg.op === "result") toast(msg.message, msg.ok);
  };
  ws.onclose = (ev) => {
    if (ev.code === 4401) { location.href = "/"; return; }
    toast(t("offline"), false);
    setTimeout(connect, 1500);
  };
}
const send = (msg) => ws && ws.readyState === 1 && ws.send(JSON.stringify(msg));

function render() {
  const c = view.clock;
  const state = c.finished ? t("ended") : !c.started ? t("not_started") : c.paused ? t("paused") : t("running");
  document.getElementById("clock").replaceChildren(
    el("span", {class: "t", id: "now"}, c.text), el("span", {}, c.date),
    el("span", {class: c.paused || !c.started ? "paused" : "running", id: "state"}, state),
    el("span", {}, t("speed") + c.speed), el("span", {id: "level"}, t("level") + ": " + (view.level || t("none"))),
    el("span", {class: "who"}, view.role.name));
  const key = view.page + ":" + (view.orders || []).join(",") + ":" + view.may_control;
  if (built !== key) { build(); built = key; }
  (view.page === "desk" ? fillDesk : fillControl)();
}

function build() {
  main.replaceChildren();
  if (view.page === "desk") {
    main.append(section("injects", "injects"), section("reports", "reports"), section("units", "units"),
                section("requests", "requests"), section("held", "held"), ordersSection(),
                section("decisions", "decisions"), el("datalist", {id: "dl-units"}), el("datalist", {id: "dl-sites"}),
                el("datalist", {id: "dl-depots"}), el("datalist", {id: "dl-items"}));
  } else {
    if (view.may_control) main.append(controlSection(), adhocSection());
    else main.append(el("p", {class: "note"}, t("evaluator")), observeSection());
    main.append(section("inject-table", "inject_table"), section("upcoming", "upcoming"), section("desks", "desks"),
                section("held-all", "held_all"), section("truth", "truth"), section("decisions", "all_decisions"));
  }
}

function fill(id, ...body) {
  const s = document.getElementById(id);
  s.replaceChildren(s.firstChild, ...body.flat());
}

function options(id, values) {
  document.getElementById(id).replaceChildren(...values.map((v) => el("option", {value: v})));
}

// -- a player's desk -------------------------------------------------------------------------------
function fillDesk() {
  fill("injects", view.injects.length ? view.injects.map((i) => el("article", {class: "inject", "data-id": i.id},
    el("header", {}, el("b", {}, i.id), " ", i.at, " · ", t("ch:" + i.channel), " · ", t("from"), " ", i.from),
    el("p", {}, i.message),
    i.acked ? el("span", {class: "acked"}, t("acked") + " " + i.acked.t)
            : el("button", {class: "ack", on: {click: () => send({op: "ack", inject: i.id})}}, t("ack")))) : "—");
  const band = view.error_factor ? el("p", {class: "note"}, t("error_band").replace("{f}", view.error_factor)) : "";
  fill("reports", band, table(["as_of", "site", "deaths", "lag", "since_onset", "status"], view.reports.map((r) => [
    r.at, r.place, r.deaths, r.lag_min + " min", r.since_onset_min + " min",
    r.rumour ? t("rumour") : r.assessed ? t(r.assessed === "verify" ? "verified" : "denied")
      : r.sitrep ? t("sitrep_own") : ""])));
  fill("units", table(["unit", "type", "status"], view.units.map((u) => [u.name, u.type, u.status])),
       view.depots.length ? table(["depot", "stock"], view.depots.map((d) =>
         [d.name, Object.entries(d.stock).map(([k, v]) => k + " " + v).join(", ")])) : "");
  fill("requests", table(["as_of", "site", "need", "from"], view.requests.map((r) => [r.at, r.place,
                                                                                    t(r.need), r.from])));
  fill("held", view.held.length ? table(["held_since", "site", "need", "from", "held_at", "status"],
    view.held.map((r) => [r.since, r.place, t(r.need), r.from, r.at_post, t(r.status)])) : t("nothing_held"));
  fill("decisions", decisionsTable(view.decisions));
  options("dl-items", view.items);
  options("dl-units", view.units.map((u) => u.name));
  options("dl-sites", view.sites);
  options("dl-depots", view.depots.map((d) => d.name));
}

function decisionsTable(rows) {
  return table(["time", "desk", "decision", "result"], rows.map((d) => [d.at, d.role,
    t("kind:" + d.kind) + (d.what ? " · " + d.what : ""), t(d.result) + (d.why ? ": " + d.why : "")]));
}

const FIELDS = {
  dispatch: [["unit", "dl-units"], ["place", "dl-sites"]], assign_airlift: [["unit", "dl-units"], ["place", "dl-sites"]],
  release_stock: [["depot", "dl-depots"], ["place", "dl-sites"], ["item", "dl-items"], ["quantity", "number"]],
  evacuate: [["place", "dl-sites"], ["share", "number"]], set_level: [["level", ["I", "II", "III", "IV"]], ["text"]],
  mutual_aid: [], request: [["need", ["aviation", "ground", "relief"]], ["place", "dl-sites"],
    ["route", ["chain", "flat"]]],
  sitrep: [["place", "dl-sites"], ["deaths", "number"]], verify: [["place", "dl-sites"], ["deaths", "number"]],
  deny: [["place", "dl-sites"], ["text"]], note: [["text"]],
};

function field([name, kind]) {
  const id = "f-" + Math.random().toString(36).slice(2);
  let input;
  if (Array.isArray(kind)) input = el("select", {id, name}, kind.map((v) => el("option", {value: v}, t(v))));
  else if (kind === "number") input = el("input", {id, name, type: "number", min: 0, step: "any"});
  else input = el("input", {id, name, list: kind || null, autocomplete: "off"});
  return el("label", {for: id}, t(name === "level" ? "level_pick" : name), input);
}

function ordersSection() {
  const forms = view.orders.map((kind) => {
    const f = el("form", {class: "order", "data-kind": kind}, el("h3", {}, t("kind:" + kind)),
                 (FIELDS[kind] || []).map(field), el("button", {type: "submit"}, t("send")));
    f.addEventListener("submit", (ev) => { ev.preventDefault(); send({op: "order", decision: decision(kind, f)}); });
    return f;
  });
  return section("orders", "orders", forms.length ? el("div", {class: "forms"}, forms) : t("no_orders"));
}

function decision(kind, form) {
  const d = {kind};
  for (const [k, v] of new FormData(form).entries()) {
    if (v === "") continue;
    d[k] = ["deaths", "share", "quantity"].includes(k) ? Number(v) : v;
  }
  if (kind === "release_stock") { d.items = {[d.item]: d.quantity}; delete d.item; delete d.quantity; }
  return d;
}

// -- the controller and evaluators -----------------------------------------------------------------
function controlSection() {
  const ctl = (action, label, value) => el("button", {"data-action": action, on: {click: () => {
    if (action === "endex" && !confirm(t("endex_confirm"))) return;
    send({op: "control", action, value: value ? value() : null});
  }}}, t(label));
  const jump = el("input", {id: "jump-to", placeholder: "02:00", size: 6});
  const speed = el("input", {id: "speed-to", type: "number", min: 0, max: 3600, value: 60, size: 6});
  return section("control", "control", el("div", {class: "bar"}, ctl("startex", "startex"), ctl("pause", "pause"),
    ctl("resume", "resume"), el("label", {}, t("jump"), jump), ctl("jump", "jump", () => jump.value),
    el("label", {}, t("speed"), speed), ctl("speed", "set_speed", () => speed.value), ctl("endex", "endex")),
    el("p", {id: "report-path", class: "note"}));
}

function adhocSection() {
  const f = el("form", {id: "adhoc"}, field(["to", "dl-desks"]), field(["from", "dl-simcell"]),
    el("label", {}, t("channel"), el("select", {name: "channel"}, view.channels.map((c) =>
      el("option", {value: c}, t("ch:" + c))))),
    el("label", {}, t("message"), el("textarea", {name: "message", rows: 2, required: true})),
    el("button", {type: "submit"}, t("send")), el("datalist", {id: "dl-desks"}), el("datalist", {id: "dl-simcell"}));
  f.addEventListener("submit", (ev) => {
    ev.preventDefault();
    send({op: "control", action: "inject", value: Object.fromEntries(new FormData(f).entries())});
  });
  return section("adhoc-inject", "adhoc", f);
}

function observeSection() {
  // The evaluator desk's observation form: objective, a critical task of its guide, what was seen.
  const task = el("select", {name: "task"});
  const tasks = () => task.replaceChildren(el("option", {value: ""}, "—"), ...(view.guides.find((o) =>
    o.id === objective.value) || {tasks: []}).tasks.map((k) => el("option", {value: k.id}, k.id + " " + k.text)));
  const objective = el("select", {name: "objective", on: {change: tasks}},
    view.guides.map((o) => el("option", {value: o.id}, o.id + " " + o.text)));
  tasks();
  const f = el("form", {id: "observe"}, el("label", {}, t("objective"), objective), el("label", {}, t("task"), task),
    el("label", {}, t("observation"), el("textarea", {name: "text", rows: 2, required: true})),
    el("button", {type: "submit"}, t("log_observation")));
  f.addEventListener("submit", (ev) => {
    ev.preventDefault();
    send({op: "observe", ...Object.fromEntries(new FormData(f).entries())});
    f.elements.text.value = "";
  });
  return section("observations", "observations", f);
}

function fillControl() {
  fill("inject-table", table(["id", "released", "to", "from", "message", "delivered", "acknowledged"],
    view.injects.map((i) => [i.id, i.at, i.to, i.from, i.message, i.delivered ? i.delivered.t + " (" +
      i.delivered.wall + ")" : "—", i.acked ? i.acked.t + " (" + i.acked.wall + ")" : "—"])));
  fill("upcoming", table(["id", "as_of", "to"], view.upcoming.map((i) => [i.id, i.at, i.to])));
  fill("desks", table(["desk", "post", "connected"], view.desks.map((d) => [d.id + " · " + d.name,
    d.desk === "player" ? t(d.played ? "played" : "simulated") : d.desk, d.connected])));
  fill("held-all", view.held.length ? table(["held_since", "held_at", "site", "need", "from", "waited"],
    view.held.map((h) => [h.since, h.at_post, h.place, t(h.need), h.from, h.waited])) : t("nothing_held_all"));
  fill("truth", table(["site", "dead", "trapped", "homeless", "reported_lead"], view.truth.map((g) =>
    [g.place, g.dead, g.trapped, g.homeless, g.reported_lead ?? "—"])));
  fill("decisions", decisionsTable(view.decisions));
  if (view.may_control) {
    options("dl-desks", view.desks.map((d) => d.id));
    options("dl-simcell", view.simcell);
    document.getElementById("report-path").textContent = view.report ? t("report_at").replace("{p}", view.report) : "";
  }
}

if (PAGE === "join") joinPage(); else connect();
