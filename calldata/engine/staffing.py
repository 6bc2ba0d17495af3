"""How many teams answer X% of eligible calls within Y minutes: Erlang C, hour by hour.

Each hour of the week is treated as a steady M/M/c queue: calls arrive at the average rate
seen in that hour (eligible calls in that hour-of-week divided by the number of weeks), a team
is busy for `minutes_per_call` on average (travel + on scene), and a call waits when every team
is busy. With offered load a = λ/μ and c teams, Erlang C gives the chance a call waits,
P(wait) = (a^c/c!)·(c/(c−a)) / (Σ_{k<c} a^k/k! + (a^c/c!)·(c/(c−a))), and the share answered
within t minutes is 1 − P(wait)·exp(−(cμ − λ)·t). The smallest c reaching the target is the
number of teams on duty that hour. It is a planning estimate: real calls cluster, travel time
varies by distance, and a team may be held on one call for hours.
"""

from __future__ import annotations

import math

import numpy as np


def erlang_c(teams: int, load: float) -> float:
    """Probability that a call has to wait, for `teams` servers and offered load `load`."""
    if load <= 0:
        return 0.0
    if teams <= load:
        return 1.0
    # Iterative Erlang B then C: numerically stable for large c.
    b = 1.0
    for k in range(1, teams + 1):
        b = load * b / (k + load * b)
    return teams * b / (teams - load * (1 - b))


def share_answered(
    teams: int, rate_per_hour: float, minutes_per_call: float, within_minutes: float
) -> float:
    if rate_per_hour <= 0:
        return 1.0
    mu = 60.0 / minutes_per_call
    load = rate_per_hour / mu
    if teams <= load:
        return 0.0
    wait = erlang_c(teams, load)
    return 1.0 - wait * math.exp(-(teams * mu - rate_per_hour) * within_minutes / 60.0)


def teams_needed(
    rate_per_hour: float,
    minutes_per_call: float,
    target_share: float,
    within_minutes: float,
    limit: int = 500,
) -> int:
    if rate_per_hour <= 0:
        return 0
    load = rate_per_hour * minutes_per_call / 60.0
    teams = max(1, math.floor(load) + 1)
    while teams < limit:
        if share_answered(teams, rate_per_hour, minutes_per_call, within_minutes) >= target_share:
            return teams
        teams += 1
    return limit


def staffing_profile(
    calls_per_hour_of_week: np.ndarray,
    *,
    minutes_per_call: float,
    target_share: float,
    within_minutes: float,
) -> dict:
    """Teams needed in each of the 168 hours of the week (Monday 00:00 first)."""
    teams = [
        teams_needed(float(rate), minutes_per_call, target_share, within_minutes)
        for rate in calls_per_hour_of_week
    ]
    return {
        "teams_by_hour": teams,
        "peak_teams": max(teams) if teams else 0,
        "team_hours_per_week": int(sum(teams)),
        "minutes_per_call": round(minutes_per_call, 1),
        "target_share": target_share,
        "within_minutes": within_minutes,
    }
