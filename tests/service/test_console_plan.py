"""The console's plan page over real HTTP against the squad sandbox, in both hosts: the preview is a diff
with a checkbox per change and writes nothing; the ticked changes (and only they) land on the calendar as
planned workouts; the form needs the page's CSRF token; a repeat writes nothing more; in the hosted service
only a coach whose grant includes the plan tool may apply, a read-only grant sees the page but cannot."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta

import httpx
import pytest

from icucoach.plan.model import EXTERNAL_ID_PREFIX
from icucoach.sandbox import RunningSandbox
from service.conftest import WebService, csrf_of
from service.console_helpers import PERSONA_ID, TODAY, grant, hosted, local_console, open_link, squad_sandbox

QUERY = "?hours=6&days=tue,thu,sat,sun&long_day=sun"
CHANGE = re.compile(r'name="change" value="(\d+)"')
PREVIEW = re.compile(r'name="preview_id" value="([0-9a-f]{12})"')


@pytest.fixture(scope="module")
def squad_sb() -> Iterator[RunningSandbox]:
    with squad_sandbox() as running:
        yield running


def planned(sb: RunningSandbox, athlete_id: str) -> list[dict]:
    store = sb.world.store(athlete_id)
    assert store is not None
    return [
        e for e in store.events.values() if str(e.get("external_id") or "").startswith(EXTERNAL_ID_PREFIX)
    ]


def test_local_console_previews_and_applies_the_ticked_changes(squad_sb: RunningSandbox) -> None:
    athlete = PERSONA_ID["compliant"]
    with local_console(squad_sb) as console, httpx.Client(base_url=console.url, timeout=120) as http:
        form = http.get(f"/coach/athletes/{athlete}/plan")
        assert (
            form.status_code == 200 and "Preview the plan" in form.text and 'name="change"' not in form.text
        )
        page = http.get(f"/coach/athletes/{athlete}/plan{QUERY}")
        assert page.status_code == 200, page.text
        changes = CHANGE.findall(page.text)
        assert len(changes) > 6 and "Race day" in page.text and "Monotony" in page.text
        assert planned(squad_sb, athlete) == []  # previewing wrote nothing
        bad = http.get(f"/coach/athletes/{athlete}/plan?hours=6&days=tue,sat&goal=soon")
        assert bad.status_code == 200 and "is not a goal" in bad.text and "2027-04-12:A" in bad.text
        four = http.get(f"/coach/athletes/{athlete}/plan{QUERY}&weeks=4")
        assert four.text.count('data-label="Week of"') == 4
        pid = PREVIEW.search(page.text).group(1)  # type: ignore[union-attr]
        chosen = {"preview_id": pid, "change": changes[:3]}
        path = f"/coach/athletes/{athlete}/plan/apply"
        assert http.post(path, data=chosen).status_code == 403  # no form token
        sent = http.post(path, data={**chosen, "csrf": csrf_of(page.text)}, follow_redirects=False)
        assert sent.status_code == 303 and sent.headers["location"].endswith("applied=3"), sent.text
        assert len(planned(squad_sb, athlete)) == 3
        again = http.post(path, data={**chosen, "csrf": csrf_of(page.text)}, follow_redirects=False)
        assert again.status_code == 303 and again.headers["location"].endswith("applied=0")
        assert len(planned(squad_sb, athlete)) == 3
        shown = http.get(f"/coach/athletes/{athlete}/plan?applied=3")
        assert "Written to the calendar: 3 change(s)." in shown.text
        calm = http.get(f"/coach/athletes/{athlete}/plan?adjust=1")
        assert calm.status_code == 200 and "No adjustment needed" in calm.text

        # three days on, the three written sessions are past and none was done
        last = max(date.fromisoformat(e["start_date_local"][:10]) for e in planned(squad_sb, athlete))
        console.provider.today = squad_sb.world.today = last + timedelta(days=1)
        try:
            adjust = http.get(f"/coach/athletes/{athlete}/plan?adjust=1")
            assert adjust.status_code == 200 and "Proposed adjustments" in adjust.text, adjust.text
            assert "missed" in adjust.text
        finally:
            console.provider.today = squad_sb.world.today = TODAY


@pytest.fixture(scope="module")
def service(squad_sb: RunningSandbox, tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebService]:
    with hosted(squad_sb, tmp_path_factory.mktemp("plan") / "service.db") as running:
        yield running


def test_hosted_coach_applies_only_with_a_plan_grant(service: WebService, squad_sb: RunningSandbox) -> None:
    reader, writer = PERSONA_ID["sick"], PERSONA_ID["skipper"]
    links = [grant(service, squad_sb, reader, "read-only"), grant(service, squad_sb, writer, "plan")]
    with httpx.Client(base_url=service.url, follow_redirects=False, timeout=120) as coach:
        for link in links:
            open_link(coach, link)
        read_page = coach.get(f"/coach/athletes/{reader}/plan{QUERY}")
        assert read_page.status_code == 200 and "but not write their plan" in read_page.text
        pid = PREVIEW.search(read_page.text).group(1)  # type: ignore[union-attr]
        csrf = csrf_of(read_page.text)
        refused = coach.post(
            f"/coach/athletes/{reader}/plan/apply", data={"preview_id": pid, "change": ["0"], "csrf": csrf}
        )
        assert refused.status_code == 403 and planned(squad_sb, reader) == []
        page = coach.get(f"/coach/athletes/{writer}/plan{QUERY}")
        changes = CHANGE.findall(page.text)
        pid = PREVIEW.search(page.text).group(1)  # type: ignore[union-attr]
        sent = coach.post(
            f"/coach/athletes/{writer}/plan/apply",
            data={"preview_id": pid, "change": changes[:2], "csrf": csrf_of(page.text)},
        )
        assert sent.status_code == 303, sent.text
        assert len(planned(squad_sb, writer)) == 2
