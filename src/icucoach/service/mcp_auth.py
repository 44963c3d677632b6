"""MCP authorization for the hosted ``/mcp``: icucoach is the OAuth authorization server, Intervals.icu the
upstream identity provider (FastMCP 4.1.2 ``OAuthProxy``; reference mcp.md §2.3, §7).

Flow: an MCP client discovers us (``/.well-known/oauth-protected-resource/mcp``,
``/.well-known/oauth-authorization-server``), registers (DCR ``/register``, or CIMD: an HTTPS ``client_id``
fetched through FastMCP's SSRF guard), sends the user to ``/authorize`` with PKCE S256 → our consent page
(``/consent``, always shown, CSRF + browser binding) → Intervals.icu ``/oauth/authorize`` with our one static
app → ``/auth/callback`` (we exchange the Intervals code server-side) → the client's redirect URI with *our*
code → ``/token`` (PKCE checked) → a JWT signed by us, audience = the canonical MCP URL
``{public_url}{mcp_path}``. The Intervals token never reaches the client (it is stored encrypted in the proxy
storage, ``kvstore``) and a client's token is never sent to Intervals; an Intervals token presented to
``/mcp`` is refused (401, it is not our JWT).

Scopes (ours → Intervals.icu), one to one, so what the athlete unticks on the Intervals consent page maps
back exactly: ``activity:read``→``ACTIVITY:READ``, ``wellness:read``→``WELLNESS:READ``,
``calendar:read``→``CALENDAR:READ``, ``calendar:write``→``CALENDAR:WRITE``, ``settings:read``→
``SETTINGS:READ``. Upstream they are sent comma-separated (Intervals' format). The granted scopes are the
ones Intervals returns (``WRITE`` implies ``READ`` as on Intervals), not the ones requested; they are the
``scope`` of our JWT and of ``AccessToken.scopes``, so tools can be gated with
``fastmcp.server.auth.require_scopes("calendar:write")`` (denied tools are hidden from ``tools/list``).
``settings:read`` is mandatory: ``GET /api/v1/athlete/0`` (how we learn whose account it is, and how every
request re-checks the Intervals token) needs it, so it is always requested and a grant without it is refused
at ``/token`` with ``invalid_scope`` and a message saying to leave it ticked. A client that asks for no
scope gets all of them requested (the athlete still decides upstream).

Who is calling, in a tool (works in both protocol eras, legacy sessions and 2026-07-28 stateless; tested)::

    from fastmcp.server.dependencies import get_access_token
    token = get_access_token()               # None when the server runs without auth (stdio)
    athlete_id = token.claims["athlete_id"]  # "i12345": from Intervals' GET /athlete/0, never from the client
    token.subject == athlete_id; token.scopes == ["activity:read", ...]; token.client_id == MCP client id
    token.token                              # the Intervals.icu bearer token of *this* grant

Never log the ``AccessToken`` object (its ``token`` is the Intervals token). When Intervals answers 401
to a call made with it, return a tool error saying to reconnect and call
``proxy.upstream_token_rejected(token)``.

Token lifetimes: Intervals returns no ``expires_in`` and no refresh token (its tokens live until the athlete
disconnects the app). FastMCP would then issue one access token valid a year and no refresh token. Instead
the Intervals client we give the proxy (``_IntervalsTokenClient``) marks every new Intervals token as
refreshable; "refreshing" never calls Intervals — it re-checks the same token with ``GET /athlete/0`` and
keeps it. So clients get access tokens of ``access_token_seconds`` (default 1 h) and rotating one-time
refresh tokens valid ``refresh_token_seconds`` from sign-in (default 180 days); an app disconnected on
Intervals.icu makes the next refresh fail (``invalid_grant``) and ``/mcp`` answer 401 within
``verify_cache_seconds`` (every request re-checks the Intervals token), and the client signs in again.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx
from fastmcp.server.auth import AccessToken, TokenVerifier
from fastmcp.server.auth.oauth_proxy import OAuthProxy
from fastmcp.server.auth.oauth_proxy.upstream import OAuthError
from joserfc.errors import JoseError
from key_value.aio.protocols import AsyncKeyValue
from mcp.server.auth.provider import AuthorizationCode, AuthorizationParams, TokenError
from mcp.shared.auth import OAuthClientInformationFull, OAuthToken

log = logging.getLogger(__name__)

# ours → Intervals.icu; order = the order shown on consent pages and advertised in metadata
INTERVALS_SCOPES: dict[str, str] = {
    "settings:read": "SETTINGS:READ",
    "activity:read": "ACTIVITY:READ",
    "wellness:read": "WELLNESS:READ",
    "calendar:read": "CALENDAR:READ",
    "calendar:write": "CALENDAR:WRITE",
}
SCOPES: tuple[str, ...] = tuple(INTERVALS_SCOPES)
REQUIRED_SCOPE = "settings:read"

CALLBACK_PATH = "/auth/callback"
ALLOWED_CLIENT_REDIRECT_URIS: tuple[str, ...] = (
    "https://claude.ai/api/mcp/auth_callback",
    "https://claude.com/api/mcp/auth_callback",
    "https://chatgpt.com/connector/oauth/*",
    "https://chatgpt.com/connector_platform_oauth_redirect",
    "http://localhost:*",
    "http://127.0.0.1:*",
)
DEFAULT_ACCESS_TOKEN_SECONDS = 3600
DEFAULT_REFRESH_TOKEN_SECONDS = 180 * 24 * 3600
# marks the stand-in refresh token the proxy stores next to an Intervals token (see _IntervalsTokenClient)
_LOCAL_REFRESH = "icucoach-local-refresh:"
SCOPE_FIX = "Connect again and leave 'SETTINGS:READ' ticked on the Intervals.icu page"


def to_intervals_scope(scopes: Iterable[str]) -> str:
    """Our scopes → Intervals' comma-separated scope string (unknown names are dropped)."""
    wanted = set(scopes)
    return ",".join(INTERVALS_SCOPES[s] for s in SCOPES if s in wanted)


def from_intervals_scope(granted: str | Iterable[str] | None) -> list[str]:
    """Scopes Intervals granted (``"ACTIVITY:READ,CALENDAR:WRITE"``, or a list; ours accepted too) → ours,
    in ``SCOPES`` order; a WRITE grant includes READ of its area. Areas we never ask for are dropped."""
    items = granted.replace(",", " ").split() if isinstance(granted, str) else list(granted or [])
    upper = {i.strip().upper() for i in items if i.strip()}
    for item in list(upper):
        area, _, level = item.partition(":")
        if level == "WRITE":
            upper.add(f"{area}:READ")
    return [s for s in SCOPES if INTERVALS_SCOPES[s] in upper]


@dataclass(frozen=True)
class VerifiedAthlete:
    """Who signed in, handed to ``on_verified`` once per new Intervals token (at the code exchange)."""

    athlete_id: str
    name: str | None
    email: str | None
    upstream_token: str = field(repr=False)  # the Intervals.icu OAuth token: store encrypted, never log
    scope: str = ""  # as Intervals granted it, e.g. "ACTIVITY:READ,SETTINGS:READ"

    @property
    def scopes(self) -> list[str]:
        """The granted scopes in our names."""
        return from_intervals_scope(self.scope)


OnVerified = Callable[[VerifiedAthlete], Awaitable[None]]


class UpstreamUnavailableError(Exception):
    """Intervals.icu could not be asked (network error, 5xx, 429): neither valid nor invalid."""


@dataclass(frozen=True)
class _Identity:
    athlete_id: str
    name: str | None
    email: str | None


def _token_key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class IntervalsTokenVerifier(TokenVerifier):
    """Checks an Intervals.icu OAuth token with ``GET {intervals}/api/v1/athlete/0`` (Bearer).

    200 → valid (``AccessToken`` with ``claims = {"athlete_id", "name"}``, ``subject`` = athlete id);
    401/403 → invalid. Answers are cached ``cache_seconds`` per token (keyed by the token's sha256, never the
    token; at most ``max_entries``). When Intervals cannot be reached, a token verified in the last
    ``stale_seconds`` stays valid, so an Intervals outage does not make every client re-authorize.
    """

    def __init__(
        self,
        intervals_base_url: str,
        *,
        cache_seconds: float = 60.0,
        stale_seconds: float = 600.0,
        timeout: float = 10.0,
        max_entries: int = 10_000,
        required_scopes: list[str] | None = None,
    ) -> None:
        super().__init__(required_scopes=required_scopes)
        self._url = intervals_base_url.rstrip("/") + "/api/v1/athlete/0"
        self._cache_seconds = cache_seconds
        self._stale_seconds = stale_seconds
        self._timeout = timeout
        self._max_entries = max_entries
        # sha256(token) → (checked_at monotonic, identity or None)
        self._cache: OrderedDict[str, tuple[float, _Identity | None]] = OrderedDict()

    async def identify(self, token: str) -> _Identity | None:
        """Ask Intervals whose token this is (no cache): None when it refuses the token;
        ``UpstreamUnavailableError`` when it cannot be asked."""
        try:
            # one client per check: safe across event loops, and the cache keeps checks rare
            async with httpx.AsyncClient(timeout=self._timeout) as http:
                response = await http.get(
                    self._url, headers={"Authorization": f"Bearer {token}", "Accept": "application/json"}
                )
        except httpx.HTTPError as exc:
            raise UpstreamUnavailableError(f"Intervals.icu unreachable: {type(exc).__name__}") from None
        if response.status_code in (401, 403):
            return None
        if response.status_code != 200:
            raise UpstreamUnavailableError(f"Intervals.icu answered HTTP {response.status_code}")
        try:
            body = response.json()
            athlete_id = str(body["id"])
        except (ValueError, KeyError, TypeError):
            raise UpstreamUnavailableError("Intervals.icu sent an athlete record without an id") from None
        name = body.get("name")
        email = body.get("email")
        return _Identity(
            athlete_id, name if isinstance(name, str) else None, email if isinstance(email, str) else None
        )

    async def lookup(self, token: str) -> _Identity | None:
        """``identify``, remembering the answer (raises ``UpstreamUnavailableError`` like it)."""
        identity = await self.identify(token)
        key = _token_key(token)
        self._cache[key] = (time.monotonic(), identity)
        self._cache.move_to_end(key)
        while len(self._cache) > self._max_entries:
            self._cache.popitem(last=False)
        return identity

    async def check(self, token: str, *, fresh: bool = False) -> _Identity | None:
        """The token's owner, or None when it is not (or no longer) valid: the cached answer unless
        ``fresh``, else Intervals' (a recent positive answer stands in while Intervals is unreachable)."""
        cached = self._cache.get(_token_key(token))
        now = time.monotonic()
        if not fresh and cached is not None and now - cached[0] < self._cache_seconds:
            return cached[1]
        try:
            return await self.lookup(token)
        except UpstreamUnavailableError as exc:
            if cached is not None and cached[1] is not None and now - cached[0] < self._stale_seconds:
                log.warning("%s; using a recent verification of this token", exc)
                return cached[1]
            log.warning("%s; token refused", exc)
            return None

    def forget(self, token: str) -> None:
        """Drop a token's cached answer: the next check asks Intervals again."""
        self._cache.pop(_token_key(token), None)

    def refuse(self, token: str) -> None:
        """Remember the token as invalid (Intervals answered 401 to a call made with it)."""
        self._cache[_token_key(token)] = (time.monotonic(), None)
        self._cache.move_to_end(_token_key(token))

    async def verify_token(self, token: str) -> AccessToken | None:
        identity = await self.check(token)
        if identity is None:
            return None
        return AccessToken(
            token=token,
            client_id="intervals.icu",
            scopes=[],
            subject=identity.athlete_id,
            claims={"athlete_id": identity.athlete_id, "name": identity.name},
        )


class _IntervalsTokenClient:
    """The proxy's upstream token client (FastMCP's documented ``_create_upstream_oauth_client`` hook).

    ``fetch_token`` exchanges the code at Intervals as usual and adds a stand-in refresh token (the marker
    plus the access token, stored encrypted with it), so FastMCP issues short access tokens and rotating
    refresh tokens. ``refresh_token`` never reaches Intervals (it has no refresh grant): it re-checks the
    same access token and hands it back, or fails with ``invalid_grant`` once the athlete has disconnected
    the app."""

    def __init__(self, real: Any, verifier: IntervalsTokenVerifier) -> None:
        self._real = real
        self._verifier = verifier
        self.client_id = real.client_id
        self.client_secret = real.client_secret

    async def aclose(self) -> None:
        await self._real.aclose()

    async def fetch_token(self, url: str, **params: Any) -> dict[str, Any]:
        tokens: dict[str, Any] = await self._real.fetch_token(url=url, **params)
        access = tokens.get("access_token")
        if isinstance(access, str) and access and not tokens.get("refresh_token"):
            tokens["refresh_token"] = _LOCAL_REFRESH + access
        return tokens

    async def refresh_token(
        self, url: str, *, refresh_token: str | None = None, **params: Any
    ) -> dict[str, Any]:
        if not refresh_token or not refresh_token.startswith(_LOCAL_REFRESH):
            raise OAuthError(error="invalid_grant", description="not a refresh token icucoach issued")
        access = refresh_token[len(_LOCAL_REFRESH) :]
        if await self._verifier.check(access, fresh=True) is None:  # look again, do not trust the cache
            raise OAuthError(
                error="invalid_grant", description="Intervals.icu access was revoked; connect again"
            )
        return {"access_token": access, "token_type": "Bearer", "refresh_token": refresh_token}


class IntervalsOAuthProxy(OAuthProxy):
    """``OAuthProxy`` adapted to Intervals.icu: scope translation both ways, the mandatory
    ``settings:read``, ``on_verified`` at the code exchange, and access tokens whose scopes and identity come
    from our own signed JWT plus the upstream check. Build it with ``build_oauth_proxy``."""

    def __init__(
        self, *, token_verifier: IntervalsTokenVerifier, on_verified: OnVerified | None = None, **kwargs: Any
    ) -> None:
        super().__init__(token_verifier=token_verifier, **kwargs)
        self._intervals = token_verifier
        self._on_verified = on_verified

    def upstream_token_rejected(self, upstream_token: str) -> None:
        """Call when Intervals answers 401 to a tool's call made with ``get_access_token().token``: this
        worker then answers 401 to the grant's next request at once (the client signs in again) instead of
        after ``verify_cache_seconds``; the tool itself should return an error saying to reconnect."""
        self._intervals.refuse(upstream_token)

    def _create_upstream_oauth_client(self) -> Any:
        return _IntervalsTokenClient(super()._create_upstream_oauth_client(), self._intervals)

    def get_challenge_scopes(self, required_scopes: list[str] | None = None) -> list[str]:
        # The 401 challenge names every scope, so a client asks for all of them up front (the athlete
        # unticks upstream what they do not want to share) rather than only the mandatory one.
        return list(SCOPES) if required_scopes is None else required_scopes

    async def authorize(self, client: OAuthClientInformationFull, params: AuthorizationParams) -> str:
        requested = list(params.scopes or SCOPES)
        if REQUIRED_SCOPE not in requested:
            requested.insert(0, REQUIRED_SCOPE)
        return await super().authorize(client, params.model_copy(update={"scopes": requested}))

    def _build_upstream_authorize_url(self, txn_id: str, transaction: dict[str, Any]) -> str:
        # FastMCP joins scopes with spaces; Intervals wants its own names, comma-separated.
        url = super()._build_upstream_authorize_url(txn_id, transaction)
        parts = urlsplit(url)
        query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "scope"]
        query.append(("scope", to_intervals_scope(transaction.get("scopes") or SCOPES)))
        return urlunsplit(parts._replace(query=urlencode(query)))

    def _translate_scopes_from_idp(self, scopes: list[str]) -> list[str]:
        return from_intervals_scope(scopes)

    async def exchange_authorization_code(
        self, client: OAuthClientInformationFull, authorization_code: AuthorizationCode
    ) -> OAuthToken:
        code = await self._code_store.get(key=authorization_code.code)
        if code is None:
            raise TokenError("invalid_grant", "authorization code does not exist")
        upstream = code.idp_tokens
        access = upstream.get("access_token")
        if not isinstance(access, str) or not access:
            raise TokenError("invalid_grant", "Intervals.icu sent no access token; connect again")
        granted = upstream.get("scope")
        granted_str = granted if isinstance(granted, str) else to_intervals_scope(authorization_code.scopes)
        if REQUIRED_SCOPE not in from_intervals_scope(granted_str):
            await self._code_store.delete(key=authorization_code.code)
            raise TokenError(
                "invalid_scope",
                "icucoach needs SETTINGS:READ to know whose Intervals.icu account this is. " + SCOPE_FIX,
            )
        try:
            identity = await self._intervals.lookup(access)  # also primes the cache for the first calls
        except UpstreamUnavailableError as exc:
            raise TokenError("invalid_grant", f"{exc}; try connecting again in a minute") from None
        if identity is None:
            raise TokenError("invalid_grant", "Intervals.icu refused the token it just issued; connect again")
        if self._on_verified is not None:
            await self._on_verified(
                VerifiedAthlete(identity.athlete_id, identity.name, identity.email, access, granted_str)
            )
        return await super().exchange_authorization_code(client, authorization_code)

    async def load_access_token(self, token: str) -> AccessToken | None:  # type: ignore[override]
        # our JWT → its stored Intervals token → the upstream check (IntervalsTokenVerifier)
        validated = await super().load_access_token(token)
        if validated is None:
            return None
        try:
            payload = self.jwt_issuer.verify_token(token)
        except (JoseError, ValueError, KeyError):
            return None
        claims = dict(validated.claims or {})
        athlete_id = claims.get("athlete_id")
        if not athlete_id:
            return None
        claims.update(
            iss=payload.get("iss"),
            aud=payload.get("aud"),
            jti=payload.get("jti"),
            client_id=payload.get("client_id"),
        )
        return AccessToken(
            token=validated.token,  # the Intervals token of this grant, for calls made on the user's behalf
            client_id=str(payload.get("client_id") or ""),
            scopes=str(payload.get("scope") or "").split(),
            expires_at=int(payload["exp"]) if payload.get("exp") else None,
            subject=str(athlete_id),
            resource=str(payload.get("aud") or "") or None,
            claims=claims,
        )


def build_oauth_proxy(
    *,
    public_url: str,
    intervals_base_url: str,
    client_id: str,
    client_secret: str,
    signing_key: bytes | str,
    storage: AsyncKeyValue,
    on_verified: OnVerified | None = None,
    mcp_path: str = "/mcp",
    verify_cache_seconds: float = 60.0,
    access_token_seconds: int = DEFAULT_ACCESS_TOKEN_SECONDS,
    refresh_token_seconds: int = DEFAULT_REFRESH_TOKEN_SECONDS,
) -> IntervalsOAuthProxy:
    """The authorization server for ``{public_url}{mcp_path}`` in front of Intervals.icu (module docstring).

    ``client_id``/``client_secret``: our registered Intervals.icu OAuth app, whose redirect URI must be
    ``{public_url}/auth/callback``. ``signing_key``: the HS256 key of our JWTs — pass 32+ random bytes (e.g.
    ``kvstore.derive_fernet_key(secret, "icucoach-mcp-jwt")``); a ``str`` goes through PBKDF2 with 1M
    iterations (about a second at start-up). Changing it invalidates every issued token (clients sign in
    again). ``storage``: shared by all workers and persistent, e.g. ``kvstore.encrypted_kv(engine, keys)``.
    Attach with ``server.auth = proxy`` (or ``FastMCP(..., auth=proxy)``) before ``server.http_app(path=
    mcp_path)``; the app then also serves the OAuth routes and ``/.well-known/...`` at its root.
    """
    base = public_url.rstrip("/")
    upstream = intervals_base_url.rstrip("/")
    verifier = IntervalsTokenVerifier(
        upstream, cache_seconds=verify_cache_seconds, required_scopes=[REQUIRED_SCOPE]
    )
    proxy = IntervalsOAuthProxy(
        upstream_authorization_endpoint=f"{upstream}/oauth/authorize",
        upstream_token_endpoint=f"{upstream}/api/oauth/token",
        upstream_client_id=client_id,
        upstream_client_secret=client_secret,
        token_endpoint_auth_method="client_secret_post",
        # Intervals documents neither PKCE nor resource indicators; both are enforced on our side.
        forward_pkce=False,
        forward_resource=False,
        token_verifier=verifier,
        on_verified=on_verified,
        base_url=base,
        redirect_path=CALLBACK_PATH,
        valid_scopes=list(SCOPES),
        allowed_client_redirect_uris=list(ALLOWED_CLIENT_REDIRECT_URIS),
        jwt_signing_key=signing_key,
        client_storage=storage,
        require_authorization_consent=True,  # never disable: the consent page stops confused-deputy attacks
        fallback_access_token_expiry_seconds=access_token_seconds,
        fallback_refresh_token_expiry_seconds=refresh_token_seconds,
        enable_cimd=True,
    )
    proxy.set_mcp_path(mcp_path)  # audience = canonical MCP URL, available before the routes are built
    return proxy


__all__ = [
    "ALLOWED_CLIENT_REDIRECT_URIS",
    "CALLBACK_PATH",
    "INTERVALS_SCOPES",
    "REQUIRED_SCOPE",
    "SCOPES",
    "IntervalsOAuthProxy",
    "IntervalsTokenVerifier",
    "OnVerified",
    "UpstreamUnavailableError",
    "VerifiedAthlete",
    "build_oauth_proxy",
    "from_intervals_scope",
    "to_intervals_scope",
]
