"""Pydantic models of every YAML file the platform reads, and the loader that checks them.

Parameters -> defaults -> precise validation -> a frozen object (the Ciw way): a bad scenario
stops here with `file:line: field: message`, never later as a traceback in the middle of a run.
"""
from __future__ import annotations

import difflib
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    model_validator,
)

from sim.hazards import Hazard
from sim.hazards.incidents import Distribution, IncidentSource, replay_problems
from sim.metrics import summarize
from sim.scenario.catalogue import load_catalogue
from sim.scenario.record import Fact
from sim.scenario.variation import Varies
from sim.scenario.yamlio import Loc, ScenarioError, YamlDoc, read_limited
from sim.world.geo import gazetteer

DepotLevel = Literal["central", "provincial", "municipal", "county", "township"]
PostLevel = Literal["county", "municipal", "provincial", "national"]
ResponseLevel = Literal["I", "II", "III", "IV"]
LatLon = tuple[float, float]

# What the model can run: beyond these a run allocates without end or overflows a date.
MAX_HOURS = 24 * 366                 # a year's horizon (a season of incidents)
MAX_MINUTES = MAX_HOURS * 60
YEARS = (1900, 2200)
MAX_UNITS = 1000                     # aircraft or teams on one line of forces
MAX_POPULATION = 50_000_000          # people at one site (the largest city is ~25 million)
MAX_STOCK = 1e12
Minutes = Annotated[float, Field(ge=0, le=MAX_MINUTES)]
Units = Annotated[int, Field(gt=0, le=MAX_UNITS)]


def _in_years(when: datetime) -> datetime:
    if not YEARS[0] <= when.year <= YEARS[1]:
        raise ValueError(f"year {when.year} is outside {YEARS[0]}..{YEARS[1]}")
    return when


Instant = Annotated[AwareDatetime, AfterValidator(_in_years)]
NUMERIC_KPIS = frozenset(k for k, v in summarize([]).items() if not isinstance(v, dict)) - {"command.level"}


def kpi_problem(name: str) -> str | None:
    """Why an objective cannot compare this KPI with a number (unknown, a per-site table, the level's
    name), or None. Checked when a file is loaded; code may build objectives on KPIs of its own."""
    if name in NUMERIC_KPIS:
        return None
    close = difflib.get_close_matches(name, sorted(NUMERIC_KPIS), n=1, cutoff=0.5)
    hint = f"did you mean '{close[0]}'?" if close else f"numeric KPIs: {', '.join(sorted(NUMERIC_KPIS))}"
    if name in summarize([]):
        return f"KPI '{name}' is not a number an objective can compare; {hint}"
    return f"unknown KPI '{name}'; {hint}"


class Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Region(Strict):
    provinces: list[str] = Field(min_length=1)


class Scope(Strict):
    """Sites for reach questions besides the hazard's: named sets of disaster-prone counties."""
    disaster_prone: list[Literal["earthquake", "flood", "forest_fire"]] = []


class Site(Strict):
    """A place below county level (a town), or a county with its seat's position and elevation (and a
    population over its census figure, `sim/world/census.py`, only with a reason)."""
    name: str
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    population: int | None = Field(None, gt=0, le=MAX_POPULATION,
                                   description="a town's people; a county's is its census figure unless given")
    elevation_m: float | None = None
    county: str | None = None
    source: str | None = Field(None, min_length=8, max_length=300,
                               description="the census or publication the population comes from")
    urban_share: float | None = Field(None, ge=0, le=1, description="a county's share of people at its seat "
                                      "(default: its census urban share, sim/world/census.py)")


class WeatherHold(Strict):
    """Weather that kept aircraft from places for a documented spell (low cloud, fog, heavy rain):
    they arrive after it. A typhoon's wind holds them by itself (`hazards`); `varies.weather` closes
    bases at random, this holds named places for a known spell."""
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    places: list[str] = Field(min_length=1, max_length=200,
                              description="scenario sites, counties (their seat and the scenario's towns in them) "
                                          "or prefecture seats")
    from_: Instant = Field(alias="from")
    to: Instant
    kinds: list[Literal["helicopter", "fixed_wing"]] = Field(["helicopter", "fixed_wing"], min_length=1)
    what: str = Field(min_length=3, max_length=200, description="what kept them out, e.g. 'low cloud'")
    source: str = Field(min_length=8, max_length=300, description="who documented it, and when")

    @model_validator(mode="after")
    def _to_after_from(self) -> WeatherHold:
        if self.to <= self.from_:
            raise ValueError(f"to {self.to.isoformat()} is not after from {self.from_.isoformat()}")
        return self


class BasePoint(Strict):
    """A base that is not an airport: an aerial forest-protection station, a helipad, a landing point."""
    name: str = Field(min_length=1, max_length=80)
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    kind: Literal["station", "helipad", "landing_point", "airport"] = "station"
    elevation_m: float | None = Field(None, ge=-500, le=9000, description="else the packaged DEM's")


class AviationForce(Strict):
    type: str
    base: str | BasePoint                # ICAO code, a place name (its nearest airport), or a named point
    count: Units = 1
    owner: PostLevel = "provincial"      # whose post tasks it: national assets need response level II or I
    work_min: Distribution | None = Field(None, description="minutes over a site per rescue mission, drawn "
                                          "(for validation against queueing theory); default the catalogue's")


class GroundForce(Strict):
    type: str
    station: str
    count: Units = 1
    owner: PostLevel | None = None       # default: the post of the station's own level (county or municipal)


class Fleet(Strict):
    """A depot's own trucks: payload and loading rate from the catalogue's `truck_types`."""
    type: str = "relief_truck"
    count: Units = 1
    bays: Annotated[int, Field(gt=0, le=100)] = Field(2, description="loading bays: trucks loaded at once")


Mode = Literal["road", "rail", "air", "fastest"]


class Depot(Strict):
    level: DepotLevel
    place: str
    stock: dict[str, Annotated[float, Field(ge=0, le=MAX_STOCK)]]
    site: str | None = Field(None, description="a scenario site (a town) where a township depot stands")
    trucks: Fleet | None = Field(None, description="none: one convoy of unlimited capacity per consignment")
    mode: Mode | None = Field(None, description="how this depot's consignments travel; none: the plan's relief.mode")


class Forces(Strict):
    aviation: list[AviationForce] = []
    fire_rescue: list[GroundForce] = []
    engineering: list[GroundForce] = Field([], description="road-clearing teams (catalogue clearing_teams)")
    depots: list[Depot] = []


class Objective(Strict):
    id: str
    kpi: str
    at_least: float | None = None
    at_most: float | None = None

    @model_validator(mode="after")
    def _one_bound(self) -> Objective:
        if (self.at_least is None) == (self.at_most is None):
            raise ValueError("give exactly one of at_least / at_most")
        return self


class ReportDelay(Strict):
    normal: Minutes = 20.0
    comms_cut: Minutes = 90.0
    comms_cut_intensity: float = Field(8.0, description="intensity at which half the places lose all contact")
    comms_cut_spread: float = Field(0.35, gt=0, le=5, description="logistic scale of that chance, in degrees")
    jitter: float = Field(0.5, ge=0, lt=1, description="uniform +/- share of the delay")


class CommandSettings(Strict):
    structure: Literal["tiered", "flat"] = "tiered"
    report_delay_min: ReportDelay = ReportDelay()
    decision_delay_min: dict[PostLevel, Minutes] = {
        "county": 15.0, "municipal": 20.0, "provincial": 30.0, "national": 45.0}
    hop_delay_min: Minutes = Field(10.0, description="a report or request travelling one level")
    comms_repair_min: Minutes = Field(360.0, description="cut communications restored by repair")
    max_teams_per_site: Units = 4
    military_request_min: Minutes = Field(120.0, description="a request to the military through its own channel")


class Response(Strict):
    """Graded response: triggers from the catalogue, and how reports turn into estimates."""
    triggers: str = "earthquake-national-2012"
    provincial_triggers: str | None = Field(None, description="the lead province's own plan; default: `triggers`")
    activation_delay_min: dict[ResponseLevel, Minutes] = {"I": 60.0, "II": 45.0, "III": 30.0, "IV": 15.0}
    quick_report_min: Minutes = Field(10.0, description="CENC automatic magnitude and intensity map")
    estimate_lag_h: float = Field(6.0, gt=0, le=MAX_HOURS,
                                  description="reported deaths approach the truth with this time constant")
    estimate_error: float = Field(0.3, ge=0, le=5, description="lognormal sd of each casualty report")
    followup_min: float = Field(120.0, ge=1, le=MAX_MINUTES, description="between follow-up reports")


class Dispatch(Strict):
    aviation: Literal["nearest_available", "priority_trapped"] = "nearest_available"
    ground: Literal["nearest_available", "priority_trapped"] = "nearest_available"
    relief: Literal["nearest_depot"] = "nearest_depot"
    reserve_share: float = Field(0.0, ge=0, lt=1, description="aircraft per base held back below level I")
    airlift_share: float = Field(0.0, ge=0, le=1, description="helicopters kept for supply airlift")
    flight_plan_min: Minutes = Field(
        0.0, description="an aircraft's first take-off comes at least this long after it is tasked: the flight plan "
                         "filed and approved (60 for general aviation: a temporary flight plan for disaster relief is "
                         "filed at least 1 h before flying, 通用航空飞行管制条例 2003)")


class MutualAid(Strict):
    """Forces a neighbouring region sends when asked (regional cooperation mechanisms)."""
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)
    from_: str = Field(alias="from")
    mechanism: str = ""
    approval_min: Minutes = 60.0
    forces: Forces
    teams_by: Literal["road", "air", "fastest"] = Field(
        "road", description="ground teams come by convoy or by the plan's transport aircraft (relief.air)")


class AirBridge(Strict):
    """Transport aircraft that fly relief (and far teams) between airports (issue 18)."""
    type: str = Field("Y-20", description="a catalogue aircraft of kind transport")
    count: Units = 2
    airports: list[str] = Field([], description="ICAO codes they may use (runway and apron); none: every airport")


class Relief(Strict):
    """How the relief chain runs beyond the first release (issue 18)."""
    restock: bool = Field(False, description="depots reorder from the level above; central from production")
    last_leg: Literal["helicopter", "porters", "boat"] = Field(
        "helicopter", description="from the road's end to a site no road reaches")
    fleet_scale: float = Field(1.0, gt=0, le=100, description="every depot's truck count times this (sweeps)")
    mode: Mode | dict[DepotLevel, Mode] = Field(
        "road", description="how consignments travel (road, road-rail-road, road-air-road, fastest), or by depot "
                            "level, e.g. {central: air} (levels not named: road)")
    air: AirBridge = AirBridge()


class Plan(Strict):
    plan: str
    objectives: list[Objective] = []
    prepositioned: Forces = Forces()
    command: CommandSettings = CommandSettings()
    response: Response = Response()
    dispatch: Dispatch = Dispatch()
    mutual_aid: list[MutualAid] = []
    relief: Relief = Relief()


class Roads(Strict):
    """A user's road (or railway) graph instead of the approximate one (e.g. exported from OpenStreetMap
    by OSMnx)."""
    graphml: str
    default_speed_kmh: float = Field(40.0, gt=0, le=300)


class Scenario(Strict):
    scenario: str
    title: str = ""
    start: Instant
    duration_h: float | None = Field(None, gt=0, le=MAX_HOURS)
    end: Instant | None = None
    region: Region
    hazards: list[Hazard] = []
    incidents: list[IncidentSource] = Field([], max_length=50, description="streams or catalogues of incidents")
    scope: Scope | None = None
    sites: list[Site] = []
    forces: Forces = Forces()
    plan: str | None = None
    varies: Varies | None = None
    roads: Roads | None = None
    rail: Roads | None = Field(None, description="a user's railway GraphML instead of the approximate one")
    min_intensity: float = Field(6.0, ge=4, le=10, description="places below this are not affected")
    weather_holds: list[WeatherHold] = Field([], max_length=100, description="spells that kept aircraft from places")
    record: list[Fact] = Field([], max_length=100, description="documented facts of a historical event")

    @model_validator(mode="after")
    def _end_after_start(self) -> Scenario:
        if self.end is not None and self.end <= self.start:
            raise ValueError(f"end {self.end.isoformat()} is not after start {self.start.isoformat()}")
        if not self.hazards and not self.incidents and self.scope is None:
            raise ValueError("give at least one hazard or incident stream, or a scope of disaster-prone sites")
        if self.end is None and self.duration_h is None:
            raise ValueError("give duration_h or end")
        if self.hours > MAX_HOURS:
            raise ValueError(f"end is {self.hours:g} h after start; the limit is {MAX_HOURS} h")
        for w in self.weather_holds:
            if w.to <= self.start or w.from_ >= self.start + timedelta(hours=self.hours):
                raise ValueError(f"weather_holds: {w.from_.isoformat()} to {w.to.isoformat()} is outside the scenario "
                                 f"({self.start.isoformat()}, {self.hours:g} h)")
        return self

    @property
    def hours(self) -> float:
        if self.duration_h is not None:
            return self.duration_h
        return (self.end - self.start) / timedelta(hours=1)


class LoadedScenario(Strict):
    """A checked scenario with its plan resolved: what the model is built from."""
    path: str
    scenario: Scenario
    plan: Plan

    def clock(self, minutes: float) -> datetime:
        return self.scenario.start + timedelta(minutes=minutes)

    def effective(self) -> Scenario:
        """The scenario with the plan's pre-positioned forces added to its own."""
        pre = self.plan.prepositioned
        if not (pre.aviation or pre.fire_rescue or pre.engineering or pre.depots):
            return self.scenario
        f = self.scenario.forces
        forces = Forces(aviation=[*f.aviation, *pre.aviation], fire_rescue=[*f.fire_rescue, *pre.fire_rescue],
                        engineering=[*f.engineering, *pre.engineering], depots=[*f.depots, *pre.depots])
        return self.scenario.model_copy(update={"forces": forces})


def load_scenario(path: str | Path) -> LoadedScenario:
    """Parse, validate and cross-check a scenario (and its plan); ScenarioError lists every problem."""
    path = Path(path)
    doc = YamlDoc(path)
    data = doc.data if isinstance(doc.data, dict) else {}
    try:
        scenario = doc.validate(Scenario)
    except ScenarioError as exc:
        named = data.get("plan")
        later = _plan_of(doc, named)[1] if isinstance(named, str) else []
        raise ScenarioError(_by_line(exc.problems + _references_of_valid_parts(doc)) + later) from None
    problems = [doc.problem(loc, msg) for loc, msg in check_references(scenario)]
    problems.extend(msg for _, msg in replay_problems(scenario.incidents, path.parent, scenario.start))
    for layer in ("roads", "rail"):
        if (graph := getattr(scenario, layer)) is not None:
            graphml = (path.parent / graph.graphml).resolve()
            problems.extend(doc.problem((layer, "graphml"), msg) for msg in graphml_problems(graphml))
            scenario = scenario.model_copy(update={layer: graph.model_copy(update={"graphml": str(graphml)})})
    plan, found = _plan_of(doc, scenario.plan)
    if problems or found:
        raise ScenarioError(problems + found)
    return LoadedScenario(path=str(path), scenario=scenario, plan=plan)


def _plan_of(doc: YamlDoc, name: str | None) -> tuple[Plan, list[str]]:
    """The plan a scenario names (the default plan when none), and the problems found in it."""
    if not name:
        return Plan(plan="default"), []
    plan_path = doc.path.parent / name
    if not plan_path.is_file():
        return Plan(plan="default"), [doc.problem(("plan",), f"plan file {plan_path} not found")]
    try:
        return load_plan(plan_path), []
    except ScenarioError as exc:
        return Plan(plan="default"), exc.problems


MAX_GRAPHML_BYTES = 256 << 20


def graphml_problems(path: Path) -> list[str]:
    """Why a user's GraphML cannot be the road graph: not a readable file under the size limit, not
    GraphML, fewer than two nodes or no edge, a node without numeric x (lon) and y (lat)."""
    import networkx as nx
    try:
        read_limited(path, MAX_GRAPHML_BYTES)
        g = nx.read_graphml(path)
    except ScenarioError as exc:
        return [f"road graph {path}: {p.split(': file: ', 1)[-1]}" for p in exc.problems]
    except Exception as exc:  # noqa: BLE001 - expat, networkx and int/float parsing all raise their own
        return [f"road graph {path} is not GraphML ({type(exc).__name__}: {str(exc)[:200]})"]
    return _graph_problems(g, path)


def _graph_problems(g: Any, path: Path) -> list[str]:
    """What `RoadNetwork.from_graphml` needs of a parsed graph."""
    if g.number_of_nodes() < 2 or g.number_of_edges() < 1:
        return [f"road graph {path} needs at least two nodes and one edge"]
    for n, attrs in g.nodes(data=True):
        try:
            lon, lat = float(attrs["x"]), float(attrs["y"])
        except (KeyError, TypeError, ValueError):
            return [f"road graph {path}: node {str(n)[:40]} has no numeric x (lon) and y (lat)"]
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            return [f"road graph {path}: node {str(n)[:40]} is at x={lon}, y={lat}: not degrees of lon, lat"]
    for a, b, attrs in g.edges(data=True):
        try:
            length, speed = float(attrs.get("length", 0.0)), float(attrs.get("speed_kph", 1.0))
        except (TypeError, ValueError):
            return [f"road graph {path}: edge {str(a)[:40]}-{str(b)[:40]} has a non-numeric length or speed_kph"]
        if not (0 <= length < 1e8 and 0 < speed <= 300):
            return [f"road graph {path}: edge {str(a)[:40]}-{str(b)[:40]} needs 0 <= length < 1e8 m, "
                    "0 < speed_kph <= 300"]
    return []


def load_plan(path: str | Path) -> Plan:
    """A checked plan file (objectives, command settings, pre-positioned forces).

    `extends: other.yaml` starts from another plan file; this file's keys override its keys
    (mappings merge, lists replace), so a variant states only what it changes.
    """
    doc = YamlDoc(Path(path))
    doc.data = _extended(doc, set())
    plan = doc.validate(Plan)
    found = check_forces(plan.prepositioned, ("prepositioned",))
    found.extend((("objectives", i, "kpi"), why) for i, o in enumerate(plan.objectives)
                 if (why := kpi_problem(o.kpi)) is not None)
    for i, aid in enumerate(plan.mutual_aid):
        found.extend(_place(("mutual_aid", i, "from"), aid.from_))
        found.extend(check_forces(aid.forces, ("mutual_aid", i, "forces")))
    found.extend(_air_bridge_problems(plan.relief.air))
    sets = load_catalogue().response_levels
    for key in ("triggers", "provincial_triggers"):
        name = getattr(plan.response, key)
        if name is not None and name not in sets:
            found.append((("response", key), _unknown("trigger set", name, sets)))
    problems = [doc.problem(loc, msg) for loc, msg in found]
    if problems:
        raise ScenarioError(problems)
    return plan


def _extended(doc: YamlDoc, seen: set[Path]) -> object:
    data = doc.data
    if not isinstance(data, dict) or "extends" not in data:
        return data
    base_path = (doc.path.parent / str(data["extends"])).resolve()
    if base_path in seen or not base_path.exists():
        why = "extends itself" if base_path in seen else f"file {base_path} not found"
        raise ScenarioError([doc.problem(("extends",), why)])
    base = YamlDoc(base_path)
    return _merge(_extended(base, seen | {base_path}), {k: v for k, v in data.items() if k != "extends"})


def _merge(base: object, over: object) -> object:
    if isinstance(base, dict) and isinstance(over, dict):
        return {**base, **{k: _merge(base.get(k), v) for k, v in over.items()}}
    return over


def with_plan(loaded: LoadedScenario, plan_path: str | Path) -> LoadedScenario:
    """The same scenario under another plan (for `compare`)."""
    return loaded.model_copy(update={"plan": load_plan(plan_path)})


def _air_bridge_problems(air: AirBridge) -> list[tuple[Loc, str]]:
    """The transport type must be a catalogue transport aircraft, its airports known ICAO codes."""
    aircraft, airports = load_catalogue().aircraft, gazetteer().airports
    transports = {k: v for k, v in aircraft.items() if v.kind == "transport"}
    out: list[tuple[Loc, str]] = []
    if air.type not in transports:
        out.append((("relief", "air", "type"), _unknown("transport aircraft type", air.type, transports)))
    out.extend((("relief", "air", "airports", i), f"'{code}' is not a known airport ICAO code")
               for i, code in enumerate(air.airports) if code.upper() not in airports)
    return out


def check_references(s: Scenario) -> list[tuple[Loc, str]]:
    """Names that must exist in the geography and the catalogue, and places inside the region."""
    return _references(s.region, s.forces, s.sites, s.hazards) + _weather_places(s.weather_holds, s.sites)


def _weather_places(holds: list[WeatherHold], sites: list[Site]) -> list[tuple[Loc, str]]:
    """Each place a spell names: one of the scenario's sites, or a county or city of the gazetteer."""
    names, geo, out = {s.name for s in sites}, gazetteer(), []
    for i, w in enumerate(holds):
        for k, name in enumerate(w.places):
            if name in names:
                continue
            at = ("weather_holds", i, "places", k)
            try:
                if geo.find(name).level == "province":
                    out.append((at, f"'{name}' is a province: name the counties or sites it kept aircraft from"))
            except KeyError as exc:
                out.append((at, exc.args[0]))
    return out


def _references(region: Region | None, forces: Forces | None, sites: list[Site | None] | None,
                hazards: list[Hazard | None] | None) -> list[tuple[Loc, str]]:
    """`check_references` on whichever parts are known (None: that part or list item is invalid)."""
    geo = gazetteer()
    out: list[tuple[Loc, str]] = []
    for i, name in enumerate(region.provinces if region else []):
        try:
            if geo.find(name).level != "province":
                out.append((("region", "provinces", i), f"'{name}' is not a province"))
        except KeyError as exc:
            out.append((("region", "provinces", i), exc.args[0]))
    if forces is not None:
        out.extend(check_forces(forces, ("forces",)))
        names = {s.name for s in sites or [] if s is not None}
        out.extend(((("forces", "depots", i, "site"), f"'{d.site}' is not one of the scenario's sites")
                    for i, d in enumerate(forces.depots) if d.site and sites is not None and d.site not in names))
    for i, site in enumerate(sites or []):
        if site is not None and site.county:
            out.extend(_place(("sites", i, "county"), site.county))
        if site is not None and not _is_county(site):
            if site.urban_share is not None:
                out.append((("sites", i, "urban_share"), f"'{site.name}' is a town, whose people are all at the "
                                                          "town: urban_share is for a county's census figures"))
            if site.population is None:
                out.append((("sites", i, "population"), f"'{site.name}' is a town: give its population (a county "
                                                         "has its census figure)"))
    if region is not None:
        out.extend(_outside_region(region, hazards or []))
    return out


def _is_county(site: Site) -> bool:
    """Whether a site names a county of the gazetteer (else it adds a town), as `build_world` reads it."""
    known = gazetteer().lookup(site.name)
    return known is not None and known.level == "county"


def _references_of_valid_parts(doc: YamlDoc) -> list[str]:
    """Reference problems of the parts of a scenario that are valid on their own, so that one
    `validate` reports an unknown place or type beside a schema error instead of after its fix."""
    data = doc.data if isinstance(doc.data, dict) else {}
    region, forces = _valid(Region, data.get("region")), _valid(Forces, data.get("forces"))
    sites, hazards = data.get("sites"), data.get("hazards")
    found = _references(region, forces, [_valid(Site, s) for s in sites] if isinstance(sites, list) else None,
                        [_valid(Hazard, h) for h in hazards] if isinstance(hazards, list) else None)
    return [doc.problem(loc, msg) for loc, msg in found]


def _valid(kind: Any, raw: object) -> Any:
    """`raw` as a `kind`, or None if it is missing or invalid."""
    try:
        return None if raw is None else TypeAdapter(kind).validate_python(raw)
    except ValidationError:
        return None


def _by_line(problems: list[str]) -> list[str]:
    """Problems in file order (each starts `file:line:`)."""
    return sorted(problems, key=lambda p: int(p.split(":")[1]) if p.split(":")[1].isdigit() else 0)


def check_forces(forces: Forces, at: Loc) -> list[tuple[Loc, str]]:
    """Aircraft and unit types in the catalogue, bases, stations and depots in the gazetteer."""
    geo, cat = gazetteer(), load_catalogue()
    out: list[tuple[Loc, str]] = []
    for i, a in enumerate(forces.aviation):
        if a.type not in cat.aircraft:
            out.append(((*at, "aviation", i, "type"), _unknown("aircraft type", a.type, cat.aircraft)))
        if isinstance(a.base, str) and a.base.upper() not in geo.airports:
            out.extend(_place((*at, "aviation", i, "base"), a.base))
    for i, g in enumerate(forces.fire_rescue):
        if g.type not in cat.ground_units:
            out.append(((*at, "fire_rescue", i, "type"), _unknown("ground unit type", g.type, cat.ground_units)))
        out.extend(_place((*at, "fire_rescue", i, "station"), g.station))
    for i, g in enumerate(forces.engineering):
        if g.type not in cat.clearing_teams:
            out.append(((*at, "engineering", i, "type"), _unknown("clearing team type", g.type, cat.clearing_teams)))
        out.extend(_place((*at, "engineering", i, "station"), g.station))
    central = cat.central_reserve_depots.cities
    for i, d in enumerate(forces.depots):
        out.extend(_place((*at, "depots", i, "place"), d.place))
        if d.level == "central" and d.place not in central:
            out.append(((*at, "depots", i, "place"), f"{d.place} has no central reserve depot; the central "
                        f"depots are at {', '.join(central)} (sim/scenario/catalogue.yaml, with sources)"))
        if d.trucks and d.trucks.type not in cat.truck_types:
            out.append(((*at, "depots", i, "trucks", "type"), _unknown("truck type", d.trucks.type, cat.truck_types)))
        for item in d.stock:
            if item not in cat.relief_items:
                out.append(((*at, "depots", i, "stock", item), _unknown("relief item", item, cat.relief_items)))
    return out


def _place(loc: Loc, name: str) -> list[tuple[Loc, str]]:
    try:
        gazetteer().find(name)
    except KeyError as exc:
        return [(loc, exc.args[0])]
    return []


def _outside_region(region: Region, hazards: list[Hazard | None]) -> list[tuple[Loc, str]]:
    geo = gazetteer()
    try:
        counties = geo.counties_in(region.provinces)
    except KeyError:
        return []
    if not counties:
        return [(("region", "provinces"), f"{', '.join(region.provinces)}: no counties in the gazetteer to "
                                          "simulate (the model needs at least one)")]
    lats = [c.lat for c in counties]
    lons = [c.lon for c in counties]
    lat0, lat1, lon0, lon1 = min(lats) - 0.5, max(lats) + 0.5, min(lons) - 0.5, max(lons) + 0.5
    out: list[tuple[Loc, str]] = []
    for i, h in enumerate(hazards):
        if h is None:
            continue
        lat, lon = h.origin
        if not (lat0 <= lat <= lat1 and lon0 <= lon <= lon1):
            out.append((("hazards", i, h.origin_key),
                        f"({lat}, {lon}) is outside the region {', '.join(region.provinces)} "
                        f"(lat {lat0:.1f}..{lat1:.1f}, lon {lon0:.1f}..{lon1:.1f}); is it [lat, lon]?"))
    return out


def _unknown(what: str, name: str, known: dict) -> str:
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.4)
    hint = f"; did you mean '{close[0]}'?" if close else f"; known: {', '.join(known)}"
    return f"unknown {what} '{name}'{hint}"
