"""The service's pages over real HTTP (uvicorn) against the sandbox's real OAuth endpoints: sign-in and every
way it can fail without creating an account, the signup allowlist, CSRF, cookies, security headers, the
dashboard's actions (regenerate, .mcpb, disconnect, delete), coaches and their links, the admin page."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import httpx
import pytest

from icucoach.sandbox import RunningSandbox
from icucoach.sandbox.generate import SANDBOX_OAUTH_CLIENT
from service.conftest import (
    WebService,
    athletes,
    consent,
    csrf_of,
    ensure_connected,
    sign_in,
    start_connect,
    web_service,
)


@pytest.fixture
def fresh(sb: RunningSandbox, tmp_path: Path) -> Iterator[WebService]:
    """A service over an empty database (for tests that must start with no accounts)."""
    with web_service(sb, tmp_path / "service.db") as running:
        yield running


def browser_for(svc: WebService) -> httpx.Client:
    return httpx.Client(base_url=svc.url, follow_redirects=False, timeout=30)


def with_query(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    q = {k: v[0] for k, v in parse_qs(parts.query).items()}
    q.update(changes)
    return urlunsplit(parts._replace(query=urlencode(q)))


def test_connect_creates_the_account_and_signs_in(fresh: WebService, sb: RunningSandbox) -> None:
    me = athletes(sb)[0]
    with browser_for(fresh) as client:
        authorize = start_connect(client)
        q = parse_qs(urlsplit(authorize).query)
        assert authorize.startswith(f"{sb.base_url}/oauth/authorize?")
        assert q["client_id"] == [SANDBOX_OAUTH_CLIENT.client_id]
        assert q["redirect_uri"] == [f"{fresh.url}/connect/callback"]
        assert q["scope"] == ["ACTIVITY:READ,WELLNESS:READ,CALENDAR:WRITE,SETTINGS:READ"]
        assert q["response_type"] == ["code"] and len(q["state"][0]) >= 20
        answer = client.get(consent(sb, authorize, me))
        assert answer.status_code == 303 and answer.headers["location"] == "/dashboard"
        account = fresh.store.account(me)
        assert account is not None and account.status == "connected" and account.name
        assert fresh.store.upstream_token(me)
        dash = client.get("/dashboard")
        assert dash.status_code == 200 and dash.headers["cache-control"] == "no-store"
        assert f"{fresh.url}/u/{fresh.store.url_token(me, 'mcp')}/mcp" in dash.text
        assert f"{fresh.url}/mcp" in dash.text and f"{fresh.url}/ical/" in dash.text
        assert [e.tool for e in fresh.store.activity(me)] == ["connected"]
        assert "connected" in client.get("/activity").text


def test_cancel_at_consent_creates_nothing(fresh: WebService, sb: RunningSandbox) -> None:
    with browser_for(fresh) as client:
        answer = client.get(consent(sb, start_connect(client), athletes(sb)[0], decision="deny"))
        assert answer.status_code == 200 and "You cancelled" in answer.text
        assert "no account was created" in answer.text
        assert fresh.store.accounts() == []
        assert client.get("/dashboard").status_code == 303  # still signed out


def test_forged_or_missing_state_creates_nothing(fresh: WebService, sb: RunningSandbox) -> None:
    me = athletes(sb)[0]
    with browser_for(fresh) as client:
        callback = consent(sb, start_connect(client), me)
        forged = client.get(with_query(callback, state="forged-state"))
        assert forged.status_code == 400 and "could not be verified" in forged.text
        assert "Start again" in forged.text
    with browser_for(fresh) as other:  # a callback URL opened in another browser: no state in its session
        callback = consent(sb, start_connect(httpx.Client(base_url=fresh.url)), me)
        assert other.get(callback).status_code == 400
    assert fresh.store.accounts() == []


def test_reused_code_is_a_clear_page(fresh: WebService, sb: RunningSandbox) -> None:
    me = athletes(sb)[0]
    with browser_for(fresh) as client, httpx.Client(base_url=sb.base_url) as thief:
        callback = consent(sb, start_connect(client), me)
        code = parse_qs(urlsplit(callback).query)["code"][0]
        used = thief.post(
            "/api/oauth/token",
            data={
                "client_id": SANDBOX_OAUTH_CLIENT.client_id,
                "client_secret": SANDBOX_OAUTH_CLIENT.client_secret,
                "code": code,
            },
        )
        assert used.status_code == 200
        answer = client.get(callback)
        assert answer.status_code == 400 and "already used" in answer.text and "Start again" in answer.text
        assert "Traceback" not in answer.text
    assert fresh.store.accounts() == []


def test_state_is_single_use(fresh: WebService, sb: RunningSandbox) -> None:
    me = athletes(sb)[0]
    with browser_for(fresh) as client:
        callback = consent(sb, start_connect(client), me)
        assert client.get(callback).status_code == 303
        assert client.get(callback).status_code == 400


def test_allowlist_refuses_an_outsider_and_admits_an_invite_code(sb: RunningSandbox, tmp_path: Path) -> None:
    insider, outsider = athletes(sb)[:2]
    env = {
        "ICUCOACH_SIGNUP": "allowlist",
        "ICUCOACH_ALLOW_ATHLETES": insider,
        "ICUCOACH_INVITE_CODES": "club",
    }
    with web_service(sb, tmp_path / "allow.db", **env) as svc:
        with browser_for(svc) as client:
            assert 'name="invite"' in client.get("/connect").text
            answer = sign_in(client, sb, outsider)
            assert answer.status_code == 403 and "invite-only" in answer.text
            assert svc.store.account(outsider) is None
            # the token the refusal produced was handed straight back to Intervals.icu
            assert all(t.revoked for t in sb.world.oauth.tokens.values() if t.athlete_id == outsider)
        with browser_for(svc) as client:
            callback = consent(sb, start_connect(client, invite="club"), outsider)
            assert client.get(callback).status_code == 303
            assert svc.store.account(outsider) is not None
        with browser_for(svc) as client:
            assert sign_in(client, sb, insider).status_code == 303


def test_cookies_are_httponly_samesite_and_headers_are_set(web: WebService, client: httpx.Client) -> None:
    answer = client.get("/")
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # http public URL here; https gets Secure and the __Host- prefix
    h = answer.headers
    assert h["x-frame-options"] == "DENY"
    assert h["x-content-type-options"] == "nosniff"
    assert h["referrer-policy"] == "no-referrer"
    csp = h["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "'unsafe-inline'" not in csp
    assert "strict-transport-security" not in h
    static = client.get("/static/style.css")
    assert static.status_code == 200 and static.headers["x-content-type-options"] == "nosniff"


def test_https_public_url_gets_secure_cookies_and_hsts(sb: RunningSandbox, tmp_path: Path) -> None:
    # behind a TLS-terminating proxy: the public URL is https, the service itself listens on plain HTTP
    with (
        web_service(sb, tmp_path / "s.db", ICUCOACH_PUBLIC_URL="https://coach.example.org") as svc,
        httpx.Client(base_url=f"http://127.0.0.1:{svc.app_port}") as http,
    ):
        answer = http.get("/")
        cookie = answer.headers["set-cookie"]
        assert cookie.startswith("__Host-icucoach=") and "; Secure" in cookie and "HttpOnly" in cookie
        assert answer.headers["strict-transport-security"].startswith("max-age=")


def test_a_form_without_csrf_is_refused(web: WebService, client: httpx.Client, sb: RunningSandbox) -> None:
    me = athletes(sb)[1]
    assert sign_in(client, sb, me).status_code == 303
    before = web.store.url_token(me, "mcp")
    for data, headers in (
        ({"confirmed": "yes"}, {}),
        ({"confirmed": "yes", "csrf": "wrong"}, {}),
        (
            {"confirmed": "yes", "csrf": csrf_of(client.get("/dashboard").text)},
            {"Origin": "https://evil.example"},
        ),
    ):
        answer = client.post("/dashboard/mcp/regenerate", data=data, headers=headers)
        assert answer.status_code == 403 and "This form has expired" in answer.text
    assert web.store.url_token(me, "mcp") == before


def test_regenerate_asks_first_then_replaces_the_url(
    web: WebService, client: httpx.Client, sb: RunningSandbox
) -> None:
    me = athletes(sb)[1]
    sign_in(client, sb, me)
    old = web.store.url_token(me, "mcp")
    csrf = csrf_of(client.get("/dashboard").text)
    asked = client.post("/dashboard/mcp/regenerate", data={"csrf": csrf})
    assert asked.status_code == 200 and "stops working at once" in asked.text
    assert web.store.url_token(me, "mcp") == old
    done = client.post("/dashboard/mcp/regenerate", data={"csrf": csrf, "confirmed": "yes"})
    assert done.status_code == 303
    assert web.store.athlete_for_token(old, "mcp") is None
    new = web.store.url_token(me, "mcp")
    assert new != old and new in client.get("/dashboard").text


def test_mcpb_bundle_points_at_the_secret_url(
    web: WebService, client: httpx.Client, sb: RunningSandbox
) -> None:
    me = athletes(sb)[1]
    sign_in(client, sb, me)
    answer = client.get("/dashboard/icucoach.mcpb")
    assert answer.status_code == 200 and "attachment" in answer.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(answer.content)) as zf:
        assert sorted(zf.namelist()) == ["manifest.json", "server/index.js"]
        manifest = json.loads(zf.read("manifest.json"))
        index = zf.read("server/index.js").decode()
    url = f"{web.url}/u/{web.store.url_token(me, 'mcp')}/mcp"
    assert manifest["manifest_version"] == "0.4"
    assert manifest["server"]["type"] == "node" and manifest["server"]["entry_point"] == "server/index.js"
    assert manifest["server"]["mcp_config"]["command"] == "npx"
    assert url in manifest["server"]["mcp_config"]["args"] and url in index
    for required in ("name", "version", "description", "author"):
        assert manifest[required]


def test_signed_out_visitors_are_sent_to_sign_in(client: httpx.Client) -> None:
    for path in ("/dashboard", "/activity", "/admin", "/dashboard/icucoach.mcpb"):
        answer = client.get(path)
        assert answer.status_code == 303 and answer.headers["location"] == "/?signin=1", path
    assert "Please sign in" in client.get("/?signin=1").text


def test_admin_page_refuses_a_non_admin(web: WebService, sb: RunningSandbox) -> None:
    admin, other = athletes(sb)[:2]
    with browser_for(web) as client:
        sign_in(client, sb, other)
        answer = client.get("/admin")
        assert answer.status_code == 403 and "Admins only" in answer.text
        assert 'href="/admin"' not in client.get("/dashboard").text
    with browser_for(web) as client:
        sign_in(client, sb, admin)
        answer = client.get("/admin")
        assert answer.status_code == 200
        for athlete_id in (admin, other):
            assert athlete_id in answer.text


def test_coach_invite_confirm_and_single_use_link(web: WebService, sb: RunningSandbox) -> None:
    me = athletes(sb)[0]
    coach_email = "pages-coach@example.org"
    with browser_for(web) as athlete:
        sign_in(athlete, sb, me)
        csrf = csrf_of(athlete.get("/dashboard").text)
        answer = athlete.post(
            "/dashboard/coaches", data={"csrf": csrf, "email": coach_email, "preset": "plan"}
        )
        assert answer.status_code == 303
        assert coach_email in athlete.get("/dashboard").text
    link = web.inbox.last_to(coach_email).link()
    path = urlsplit(link).path
    with browser_for(web) as coach:
        shown = coach.get(path)
        assert shown.status_code == 200 and "Continue" in shown.text
        assert coach.get(path).status_code == 200  # looking at it uses nothing up
        used = coach.post(path, data={"csrf": csrf_of(shown.text)})
        assert used.status_code == 303 and used.headers["location"] == "/coach/me"
        me_page = coach.get("/coach/me")
        coach_id = web.store.coach_for_token(me_page.text.split("/c/")[1].split("/mcp")[0]).id
        assert me_page.status_code == 200 and "/c/" in me_page.text and me in me_page.text
        again = coach.post(path, data={"csrf": csrf_of(shown.text)})
        assert again.status_code == 410 and "already used" in again.text and 'href="/coach"' in again.text
    roster = web.store.grants_of_coach(coach_id)
    assert [g.athlete_id for g in roster] == [me] and roster[0].status == "active"


def test_coach_page_says_the_same_for_known_and_unknown_addresses(
    web: WebService, sb: RunningSandbox
) -> None:
    me = athletes(sb)[0]
    ensure_connected(web, sb, me)
    known = "known-coach@example.org"
    coach, token = web.store.invite_coach(me, known, ["icu_get_profile"], 3600)
    web.store.confirm_grant(web.store.use_link(token))
    answers = []
    with browser_for(web) as client:
        for email in ("nobody@example.org", known):
            csrf = csrf_of(client.get("/coach").text)
            answer = client.post("/coach", data={"csrf": csrf, "email": email, "action": "resend"})
            answers.append(answer.text.replace(email, "EMAIL"))
            assert answer.status_code == 200
    assert answers[0] == answers[1]
    mail = web.inbox.last_to(known)  # "resend" sends the same URL itself
    assert mail.subject == "Your icucoach coach URL"
    assert mail.coach_url() == f"{web.url}/c/{web.store.coach_token(coach.id)}/mcp"
    assert web.inbox.count_to("nobody@example.org") == 0


def test_disconnect_forgets_the_token_and_tells_intervals(fresh: WebService, sb: RunningSandbox) -> None:
    me = athletes(sb)[1]
    with browser_for(fresh) as client:
        sign_in(client, sb, me)
        token = fresh.store.upstream_token(me)
        csrf = csrf_of(client.get("/dashboard").text)
        assert client.post("/dashboard/disconnect", data={"csrf": csrf}).status_code == 200  # asks first
        assert fresh.store.upstream_token(me) == token
        assert (
            client.post("/dashboard/disconnect", data={"csrf": csrf, "confirmed": "yes"}).status_code == 303
        )
        assert fresh.store.upstream_token(me) is None
        assert fresh.store.account(me).status == "disconnected"
        assert sb.world.oauth.tokens[token].revoked
        assert "Disconnected" in client.get("/dashboard").text


def test_delete_needs_the_typed_word_then_deletes_everything(fresh: WebService, sb: RunningSandbox) -> None:
    me = athletes(sb)[1]
    with browser_for(fresh) as client:
        sign_in(client, sb, me)
        csrf = csrf_of(client.get("/dashboard/delete").text)
        wrong = client.post("/dashboard/delete", data={"csrf": csrf, "typed": "yes"})
        assert wrong.status_code == 400 and fresh.store.account(me) is not None
        done = client.post("/dashboard/delete", data={"csrf": csrf, "typed": "DELETE"})
        assert done.status_code == 303 and done.headers["location"] == "/"
        assert fresh.store.account(me) is None and fresh.store.activity(me) == []
        assert "are deleted" in client.get("/").text
        assert client.get("/dashboard").status_code == 303


def test_errors_are_pages(client: httpx.Client) -> None:
    answer = client.get("/no-such-page")
    assert answer.status_code == 404 and "<h1>Page not found</h1>" in answer.text
    used = client.post("/coach/confirm/not-a-real-link", data={"csrf": csrf_of(client.get("/coach").text)})
    assert used.status_code == 404 and "not valid" in used.text


def test_mcpb_manifest_passes_the_official_validator(
    web: WebService, client: httpx.Client, sb: RunningSandbox, tmp_path: Path
) -> None:
    import subprocess

    from mcp_helpers import TOOLS_DIR, npm_install  # tests/mcp, put on sys.path by service_helpers

    bin_ = TOOLS_DIR / "node_modules" / ".bin" / "mcpb"
    if not bin_.exists():
        npm_install("@anthropic-ai/mcpb@2.1.2")
    sign_in(client, sb, athletes(sb)[1])
    with zipfile.ZipFile(io.BytesIO(client.get("/dashboard/icucoach.mcpb").content)) as zf:
        zf.extractall(tmp_path / "bundle")
    done = subprocess.run(
        [str(bin_), "validate", str(tmp_path / "bundle" / "manifest.json")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_session_cookie_is_tamper_proof_and_ends(web: WebService, sb: RunningSandbox) -> None:
    import time

    from icucoach.service.web.sessions import SessionMiddleware, cookie_name

    mw = SessionMiddleware(lambda *a: None, web.settings)  # type: ignore[arg-type]

    def scope_with(cookie: str) -> dict[str, object]:
        return {"headers": [(b"cookie", cookie.split(";")[0].encode())]}

    good = mw.cookie({"athlete": "i1", "note": "plain words"})
    assert mw.load(scope_with(good))["athlete"] == "i1"
    name, _, value = good.split(";")[0].partition("=")
    assert name == cookie_name(web.settings) and "plain" not in value  # encrypted, not just signed
    altered = value[:-6] + ("AAAAAA" if not value.endswith("AAAAAA") else "BBBBBB")
    assert mw.load(scope_with(f"{name}={altered}")) == {}  # altered
    assert (
        mw.load(scope_with(mw.cookie({"athlete": "i1", "exp": time.time() - 1}))) == {}
    )  # past its lifetime
    with httpx.Client(base_url=web.url, follow_redirects=False) as http:
        http.cookies.set(name, altered)
        assert http.get("/dashboard").status_code == 303


def test_coach_regenerates_their_url_by_email(web: WebService, sb: RunningSandbox) -> None:
    me = athletes(sb)[0]
    ensure_connected(web, sb, me)
    email = "regen-coach@example.org"
    _, token = web.store.invite_coach(me, email, ["icu_get_profile"], 3600)
    link = web.store.use_link(token)
    old = web.store.confirm_grant(link)
    with browser_for(web) as coach:
        csrf = csrf_of(coach.get("/coach").text)
        assert (
            coach.post("/coach", data={"csrf": csrf, "email": email, "action": "regenerate"}).status_code
            == 200
        )
        path = urlsplit(web.inbox.last_to(email, "Confirm: new icucoach coach URL").link("regenerate")).path
        assert web.store.coach_for_token(old) is not None  # nothing changes until the link is opened
        shown = coach.get(path)
        assert shown.status_code == 200 and "stops working as soon as you press" in shown.text
        assert coach.post(path, data={"csrf": csrf}).status_code == 303
        page = coach.get("/coach/me")
        assert "old one no longer works" in page.text
        assert coach.post(path, data={"csrf": csrf}).status_code == 410  # once only
    assert web.store.coach_for_token(old) is None
    new = web.store.coach_token(link.coach_id)
    assert new != old and new in page.text
    assert [g.athlete_id for g in web.store.grants_of_coach(link.coach_id)] == [me]  # still linked
    notice = web.inbox.last_to(email, "Your icucoach coach URL was changed")
    assert new not in notice.text


def test_logout_ends_the_session(client: httpx.Client, sb: RunningSandbox) -> None:
    sign_in(client, sb, athletes(sb)[1])
    page = client.get("/dashboard")
    assert page.status_code == 200
    assert client.post("/logout", data={"csrf": csrf_of(page.text)}).status_code == 303
    assert client.get("/dashboard").status_code == 303


def test_without_email_nothing_is_half_done(sb: RunningSandbox, tmp_path: Path) -> None:
    with web_service(sb, tmp_path / "nomail.db", ICUCOACH_SMTP_URL="", ICUCOACH_DEV="0") as svc:
        me = athletes(sb)[0]
        with browser_for(svc) as client:
            sign_in(client, sb, me)
            csrf = csrf_of(client.get("/dashboard").text)
            data = {"csrf": csrf, "email": "c@example.org", "preset": "read-only"}
            answer = client.post("/dashboard/coaches", data=data)
            assert answer.status_code == 503 and "ICUCOACH_SMTP_URL" in answer.text
            assert svc.store.grants_of_athlete(me) == []
            coach = client.post("/coach", data={"csrf": csrf, "email": "c@example.org", "action": "resend"})
            assert coach.status_code == 503


async def test_mcpb_bundle_connects_to_the_service(
    fresh: WebService, sb: RunningSandbox, tmp_path: Path
) -> None:
    """The downloaded bundle's server command (``npx mcp-remote``, pinned) bridges the official MCP client
    over stdio to the athlete's secret URL. (Its own service: the MCP tools serve the process's most
    recently built app — ``mcp.context.SESSION_HOLDER`` — so a module-wide one may not be it.)"""
    web = fresh
    import os

    from mcp_helpers import TOOLS_DIR, npm_install, structured

    from icucoach.service.web.mcpb import MCP_REMOTE
    from mcp import Client, StdioServerParameters

    if not (TOOLS_DIR / "node_modules" / ".bin" / "mcp-remote").exists():
        npm_install(MCP_REMOTE)
    me = athletes(sb)[1]
    async with httpx.AsyncClient(base_url=web.url, follow_redirects=False) as http:
        page = await http.get("/connect")
        start = await http.post("/connect", data={"csrf": csrf_of(page.text)})
        callback = consent(sb, start.headers["location"], me)
        assert (await http.get(callback)).status_code == 303
        bundle = (await http.get("/dashboard/icucoach.mcpb")).content
    with zipfile.ZipFile(io.BytesIO(bundle)) as zf:
        config = json.loads(zf.read("manifest.json"))["server"]["mcp_config"]
    # npx finds the pinned mcp-remote installed in .tools/ (run from there: no download at test time)
    env = {**os.environ, "MCP_REMOTE_CONFIG_DIR": str(tmp_path / "mcp-auth")}
    params = StdioServerParameters(
        command=config["command"], args=config["args"], cwd=str(TOOLS_DIR), env=env
    )
    async with Client(params, read_timeout_seconds=120) as client:
        profile = structured(await client.call_tool("icu_get_profile", {}))
        assert profile["athlete"]["id"] == me


def test_refused_app_credentials_are_told_as_such(sb: RunningSandbox, tmp_path: Path) -> None:
    """A wrong client secret is the operator's problem: the page says so (not "your code expired")."""
    with (
        web_service(sb, tmp_path / "s.db", INTERVALS_OAUTH_CLIENT_SECRET="not-the-secret") as broken,
        httpx.Client(base_url=broken.url, follow_redirects=False, timeout=30) as http,
    ):
        answer = sign_in(http, sb, athletes(sb)[0])
        assert answer.status_code == 503
        assert "INTERVALS_OAUTH_CLIENT_SECRET" in answer.text and "nothing was created" in answer.text
        assert broken.store.accounts() == []
