"""Driving on a road graph that changes under the wheels: the one travel primitive of ground units.

A unit on the road keeps its plan as the nodes of its route and the clock time it passes each.
When a hazard closes or a clearing team reopens a segment (`ResponseModel.roads_changed`), every
driving unit is interrupted and re-plans in closed form: where it is follows from the elapsed time
along its current leg; it either goes on to the leg's far node or turns back to the near one,
whichever is faster by the new weights, and then takes the new fastest route. A unit whose ETA
does not change keeps the very timeout it waits on, so a change elsewhere alters nothing it does.
Where no road reaches the destination any more, the unit stops at the far node of its leg.
"""
from __future__ import annotations

import math
from collections.abc import Callable

import simpy

Plan = list[tuple[int, float]]      # (road node, clock minute the unit passes it)


def drive(model, source: int, target: int, speed_factor: float, minutes: float,
          rerouted: Callable[[float], None] | None = None):
    """SimPy sub-process (use with `yield from`): drive from `source` to `target`, whose road time
    the caller has just computed (`minutes`, already divided by `speed_factor`). Returns the node
    where the unit stops: `target`, or where it stopped short when every road to it closed.
    `rerouted(new_minutes_left)` is called whenever a change of the roads changes the ETA."""
    env, roads = model.env, model.world.roads
    nodes, at = roads.route(source, target)
    plan: Plan = list(zip(nodes, (env.now + at / speed_factor).tolist()))
    arrival = env.timeout(minutes)
    me = env.active_process
    while True:
        model.driving[me] = None
        try:
            yield arrival
            return plan[-1][0]
        except simpy.Interrupt:
            pass
        finally:
            model.driving.pop(me, None)
        new = replan(roads, plan, env.now, target, speed_factor)
        if new is not plan:
            plan = new
            arrival = env.timeout(plan[-1][1] - env.now)
            if rerouted is not None:
                rerouted(plan[-1][1] - env.now)


def replan(roads, plan: Plan, now: float, target: int, speed_factor: float) -> Plan:
    """The plan from the unit's position at `now` by the roads' current weights (the same list
    object when the ETA does not change)."""
    if len(plan) < 2 or now >= plan[-1][1]:
        return plan
    k = max(i for i in range(len(plan) - 1) if plan[i][1] <= now)
    (u, tu), (v, tv) = plan[k], plan[k + 1]
    ahead = tv - now + roads.minutes_from(v)[target] / speed_factor
    back = now - tu + roads.minutes_from(u)[target] / speed_factor
    if math.isinf(ahead) and math.isinf(back):
        head = [(u, tu), (v, tv)]                 # cut off: stop at the leg's far node
        return plan if plan[-1] == head[-1] and len(plan) == 2 else head
    if ahead <= back:
        head, via, eta = [(u, tu), (v, tv)], v, now + ahead
    else:
        head, via, eta = [(v, now - (tv - now)), (u, now + (now - tu))], u, now + back
    if plan[-1][0] == target and abs(eta - plan[-1][1]) <= 1e-9:
        return plan
    nodes, at = roads.route(via, target)
    start = head[-1][1]
    return head[:-1] + list(zip(nodes, (start + at / speed_factor).tolist()))
