"""Resources (the workout-syntax guide, the training-status digest) and prompts (weekly review, plan next
week, post-workout analysis, race week).

Resources are application-controlled (many hosts never show them to the model), so everything a tool needs
is also in tool descriptions and results; these are the long-form extras. Prompts are user-invoked
templates that name the tools to use and keep the coaching conversation on the athlete's own data.
"""

from __future__ import annotations

import json
from importlib import resources as pkg_resources

from fastmcp import FastMCP

from icucoach.mcp.tools_perf import status_digest

GUIDE_URI = "icucoach://guide/workout-syntax"
STATUS_URI = "icucoach://athlete/{athlete_id}/status"


def guide_text() -> str:
    return (pkg_resources.files("icucoach.mcp") / "workout_syntax.md").read_text(encoding="utf-8")


def _who(athlete_id: str | None) -> str:
    return f" for athlete {athlete_id}" if athlete_id else ""


def install(server: FastMCP) -> None:
    @server.resource(
        GUIDE_URI,
        name="workout_syntax",
        title="Intervals.icu workout syntax",
        mime_type="text/markdown",
        description="How to write structured workouts in Intervals.icu text (steps, targets, repeats).",
    )
    def workout_syntax() -> str:
        return guide_text()

    @server.resource(
        STATUS_URI,
        name="training_status",
        title="Training-status digest",
        mime_type="application/json",
        description="Today's digest (fitness, ACWR, monotony, TID, recovery, readiness, alerts, "
        "phase) for an athlete id ('0' = the key's owner).",
    )
    async def training_status(athlete_id: str) -> str:
        ref, digest = await status_digest(athlete_id, "compact")
        return json.dumps({"athlete": ref.to_dict(), "status": digest}, separators=(",", ":"), default=str)

    @server.prompt(
        name="weekly_review",
        title="Weekly review",
        description="Review the last week's training and recovery and judge the week ahead.",
    )
    def weekly_review(athlete_id: str | None = None) -> str:
        return (
            f"Review my last 7 days of training{_who(athlete_id)} as my coach. Use icu_get_training_status "
            "(readiness, ACWR, monotony, alerts, phase), icu_get_training_summary for the last 4 weeks, "
            "icu_list_activities for the last 7 days (open the key session with icu_get_activity), "
            "icu_get_wellness for 7 days and icu_list_events for the coming week. Tell me: what went well, "
            "what to watch (with the numbers), whether the planned week fits my current form, and at most "
            "three concrete adjustments. Mention any Strava-synced activities whose data is unavailable."
        )

    @server.prompt(
        name="plan_next_week",
        title="Plan next week",
        description="Draft next week's workouts from current status, then write them after approval.",
    )
    def plan_next_week(
        focus: str = "keep building fitness", hours: str = "", athlete_id: str | None = None
    ) -> str:
        budget = f" within about {hours} hours" if hours else ""
        return (
            f"Plan next week{_who(athlete_id)}{budget}; focus: {focus}. First read icu_get_profile (zones), "
            "icu_get_training_status, icu_get_fitness (projection) and icu_list_events for next week (races, "
            "notes, existing workouts). Propose day by day with the workout text and expected load, check "
            "each with icu_preview_workout, and only after I approve write them with icu_create_workout."
        )

    @server.prompt(
        name="post_workout_analysis",
        title="Post-workout analysis",
        description="Analyse one completed session against its plan and the athlete's zones.",
    )
    def post_workout_analysis(activity_id: str = "", athlete_id: str | None = None) -> str:
        which = f"activity {activity_id}" if activity_id else "my most recent activity (icu_list_activities)"
        return (
            f"Analyse {which}{_who(athlete_id)}. Use icu_get_activity (intervals with power, HR, pace, "
            "cadence, W′bal, ground contact, DFA α1, core temperature where present), "
            "icu_get_streams only if needed, icu_list_events for the planned session that day, and "
            "icu_get_profile for zones. Compare "
            "execution with the plan, judge pacing, decoupling and fatigue signals, and give one lesson."
        )

    @server.prompt(
        name="race_week",
        title="Race week",
        description="Prepare the final week before a race: taper, openers, form on race day.",
    )
    def race_week(race_date: str = "", race_name: str = "", athlete_id: str | None = None) -> str:
        race = f"{race_name or 'my race'}" + (
            f" on {race_date}" if race_date else " (find it with icu_list_events)"
        )
        return (
            f"Prepare race week for {race}{_who(athlete_id)}. Read icu_get_training_status "
            "(races, readiness), "
            "icu_get_fitness with projection_days reaching race day, and icu_list_events up to the race. Aim "
            "for form in the fresh zone on race day, keep short openers, and propose calendar changes; write "
            "them only after I agree (icu_update_workout / icu_create_workout / icu_delete_events)."
        )
