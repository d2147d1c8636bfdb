"""The participants' HTTP endpoints (see ``server/README.md``).

Nothing a facilitator does has an endpoint here: phones can join, read what is
open, vote, post and upvote, nothing else. Every refusal is a 4xx with a JSON
``{"error": "..."}`` the page shows as is; a bug is a 500 logged to the log
file, and the server keeps serving.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import re
import sqlite3
from collections.abc import Awaitable, Callable
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

import jinja2
from aiohttp import web
from aiohttp.web_protocol import RequestPayloadError
from sqlalchemy.exc import OperationalError

from ..core import matching
from ..core import polls as voting
from ..core.errors import RuleError, UserError
from ..i18n import error_text, known, normalize, translator
from . import i18n
from .room import Room, RoomEvent

log = logging.getLogger("coworkshop.server")

COOKIE = "cws_device"
MAX_BODY = 16 * 1024
HEARTBEAT = 15.0  # seconds between keep-alive comments on the live stream
BODY_TIMEOUT = 10.0  # seconds a phone has to send a request's body
MAX_DEPTH = 8  # JSON nesting: a ballot needs 2
BUSY_RETRY = 2  # seconds a phone waits when another program holds the file's lock
_ID = re.compile(r"[0-9A-Za-z-]{1,64}")
ROOM: web.AppKey[Room] = web.AppKey("room", Room)
PAGE: web.AppKey[jinja2.Template] = web.AppKey("page", jinja2.Template)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class Refused(Exception):
    """A refusal of the server itself; ``message`` is English (the msgid), shown
    translated into the phone's language."""

    def __init__(self, status: int, message: str, retry_after: float = 0) -> None:
        super().__init__(message)
        self.status, self.message, self.retry_after = status, message, retry_after


def language(request: web.Request) -> str:
    """The phone's language: the one picked on the page, else the session's."""
    picked = request.cookies.get(i18n.LANG_COOKIE, "")
    if known(picked):
        return normalize(picked)
    room = request.app[ROOM]
    return normalize(room.session.language if room.session is not None else "")


def _error(status: int, message: str, retry_after: float = 0, code: str = "") -> web.Response:
    headers = {"Retry-After": str(max(1, round(retry_after)))} if retry_after else None
    body = {"error": message, "code": code} if code else {"error": message}
    return web.json_response(body, status=status, headers=headers,
                             dumps=lambda o: json.dumps(o, ensure_ascii=False))


@web.middleware
async def errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except Refused as exc:
        return _error(exc.status, translator(language(request))(exc.message), exc.retry_after)
    except RuleError as exc:
        return _error(409, error_text(exc, language(request)), code=exc.code)
    except UserError as exc:
        return _error(400, error_text(exc, language(request)), code=exc.code)
    except web.HTTPException as exc:
        if exc.status >= 400:
            return _error(exc.status, exc.reason)
        raise
    except (sqlite3.OperationalError, OperationalError) as exc:
        if not _busy(exc):
            log.exception("error in %s %s", request.method, request.path)
            return _error(500, "server error")
        # Another program holds the session file's lock past the busy
        # timeout: nothing was written; the page sends it again by itself.
        log.warning("session file busy: %s %s answered 503", request.method, request.path)
        return _error(503, "the session file is busy: trying again", BUSY_RETRY)
    except Exception:
        log.exception("error in %s %s", request.method, request.path)
        return _error(500, "server error")


@web.middleware
async def security(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.method not in ("GET", "HEAD"):
        # A page on another site cannot make a phone post here.
        origin = request.headers.get("Origin")
        if origin and origin != "null" and urlsplit(origin).netloc != request.host:
            raise Refused(403, "requests from other sites are refused")
        if request.content_type != "application/json":
            raise Refused(415, "send JSON")
    response = await handler(request)
    if not response.prepared:  # a live stream has sent its headers already
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("X-Frame-Options", "DENY")
    return response


def _busy(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def _client(request: web.Request) -> str:
    return request.remote or "?"


def _token(request: web.Request) -> str:
    auth = request.headers.get("Authorization", "")
    if auth.startswith("Bearer "):
        return auth[7:].strip()
    return request.cookies.get(COOKIE, "")


async def _voter(request: web.Request) -> voting.Voter:
    """The device's voter, after its rate limit; 401 without a valid token."""
    room = request.app[ROOM]
    token = _token(request)
    voter = await room.voter(token) if token else None
    if voter is None:
        wait = room.address_buckets.take(_client(request))
        if wait:
            raise Refused(429, "too many requests: wait a moment", wait)
        raise Refused(401, "join first: scan the code on the screen")
    wait = room.device_buckets.take(voter.device_id)
    if wait:
        raise Refused(429, "too many requests: wait a moment", wait)
    return voter


async def _body(request: web.Request) -> dict[str, Any]:
    """The request's JSON object; every way a body can be wrong is a 4xx."""
    charset = (request.charset or "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise Refused(400, "send JSON in UTF-8")
    try:
        async with asyncio.timeout(BODY_TIMEOUT):
            raw = await request.read()
    except TimeoutError as exc:
        raise Refused(408, "the request was too slow") from exc
    except (RequestPayloadError, ConnectionError) as exc:  # the phone went away mid-body
        raise Refused(400, "the request was cut off") from exc
    try:
        data = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise Refused(400, "the request is not valid JSON") from exc
    if not isinstance(data, dict):
        raise Refused(400, "the request must be a JSON object")
    problem = _bad_json(data, 0)
    if problem:
        raise Refused(400, problem)
    return data


def _bad_json(value: Any, depth: int) -> str:
    """Why a decoded body cannot be stored ("" if it can)."""
    if depth > MAX_DEPTH:
        raise Refused(400, "the request is nested too deeply")
    if isinstance(value, str):
        return voting.text_problem(value, one_line=False, controls=False)
    if isinstance(value, dict):
        for k, v in value.items():
            problem = _bad_json(k, depth + 1) or _bad_json(v, depth + 1)
            if problem:
                return problem
    elif isinstance(value, list):
        for v in value:
            problem = _bad_json(v, depth + 1)
            if problem:
                return problem
    return ""


def _id(request: web.Request, name: str, missing: str) -> str:
    """A record id from the path; anything else is ``missing`` (404)."""
    value = request.match_info[name]
    if not _ID.fullmatch(value):
        raise Refused(404, missing)
    return value


# ---------------------------------------------------------------- page


def _templates() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("coworkshop.server", "templates"),
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        undefined=jinja2.StrictUndefined,
    )


async def page(request: web.Request) -> web.Response:
    room = request.app[ROOM]
    assert room.session is not None
    code = request.match_info.get("code") or request.query.get("code", "")
    code = code if code.isdigit() and len(code) <= 12 else ""
    asked = request.query.get("lang", "")
    lang = normalize(asked) if known(asked) else language(request)
    texts = i18n.texts(lang)
    html = request.app[PAGE].render(
        lang=lang,
        title=room.session.title,
        texts=texts,
        texts_json=json.dumps(texts, ensure_ascii=False),
        groups=room.groups(lang),
        languages=i18n.choices(lang),
        code=code,
    )
    response = web.Response(text=html, content_type="text/html", headers={
        "Cache-Control": "no-store",
        "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; "
                                   "connect-src 'self'; img-src 'self' data:; "
                                   "base-uri 'none'; form-action 'self'",
    })
    if known(asked):
        # The phone keeps the language it picked: its requests carry it, so the
        # state and the refusals come in that language too.
        response.set_cookie(i18n.LANG_COOKIE, lang, samesite="Strict",
                            max_age=7 * 24 * 3600, path="/")
    return response


def _static_handler(name: str, content_type: str) -> Handler:
    body = resources.files("coworkshop.server").joinpath("static", name).read_bytes()

    async def handler(_request: web.Request) -> web.Response:
        return web.Response(body=body, content_type=content_type,
                            headers={"Cache-Control": "no-cache"})

    return handler


async def health(request: web.Request) -> web.Response:
    room = request.app[ROOM]
    return web.json_response({"ok": True, "streams": room.streams})


async def no_icon(_request: web.Request) -> web.Response:
    return web.Response(status=204, headers={"Cache-Control": "max-age=86400"})


# ---------------------------------------------------------------- join


async def _join_code(request: web.Request) -> dict[str, Any]:
    """The request's body once its join code is right (wrong codes are counted)."""
    room = request.app[ROOM]
    who = _client(request)
    # Checked before the code: while an address (or the room) is held back,
    # the right code is refused too, so guessing cannot go faster than this.
    locked = room.codes_locked()
    if locked:
        raise Refused(429, "joining is paused: ask the facilitator for the code", locked)
    wait = room.code_buckets.waiting(who)
    if wait:
        raise Refused(429, "too many wrong codes: wait a minute", wait)
    data = await _body(request)
    code = data.get("code")
    if not isinstance(code, str) or not hmac.compare_digest(
            code.strip().encode("utf-8", "replace"), room.code.encode()):
        wait = room.wrong_code(who)
        if wait:
            raise Refused(429, "too many wrong codes: wait a minute", wait)
        raise Refused(403, "wrong join code: check the code on the screen")
    return data


def _text(request: web.Request, key: str) -> str:
    """One of the page's texts in the phone's language."""
    return i18n.texts(language(request))[key]


async def _join_as(request: web.Request, code: Any, pick: Any) -> voting.Joined:
    """Join as a registered participant; every refusal a 4xx in the page's language."""
    room = request.app[ROOM]
    if not isinstance(code, str) or not isinstance(pick, str):
        raise Refused(400, _text(request, "personal_code_bad"))
    if code.strip() and pick:
        raise Refused(400, _text(request, "personal_code_or_name"))
    try:
        return await room.join_as(code.strip(), pick)
    except matching.UnknownCode as exc:
        if code.strip():
            # a personal code guessed is a code guessed: the same per-address limit
            wait = room.code_buckets.take(_client(request))
            if wait:
                raise Refused(429, "too many wrong codes: wait a minute", wait) from exc
            raise Refused(403, _text(request, "personal_code_unknown")) from exc
        raise Refused(404, _text(request, "name_unknown")) from exc
    except matching.PickNotAllowed as exc:
        raise Refused(403, _text(request, "name_pick_off")) from exc
    except matching.AlreadyMatched as exc:
        raise Refused(409, _text(request, "already_matched")) from exc


async def join(request: web.Request) -> web.Response:
    room = request.app[ROOM]
    assert room.session is not None
    who = _client(request)
    data = await _join_code(request)
    wait = room.join_buckets.take(who)
    if wait:
        raise Refused(429, "too many joins from this device: wait a moment", wait)
    group, name = data.get("group", ""), data.get("name", "")
    code, pick = data.get("personal_code", ""), data.get("participant", "")
    if not isinstance(name, str):
        raise Refused(400, "name: must be text")
    matched = bool(code or pick)
    # No user agent is stored: the workshop does not need it (README, "What a
    # session file holds about a person").
    if matched:
        # the registered participant's group, whatever the phone chose
        joined = await _join_as(request, code, pick)
    else:
        if not isinstance(group, str) or not group:
            raise Refused(400, "choose your stakeholder group")
        joined = await room.join(group, name)  # shares a commit with joins arriving together
    room.remember(voting.hash_token(joined.token), joined.voter)
    room.emit(RoomEvent("joined", participant_id=joined.voter.participant_id,
                        stakeholder_group=joined.voter.stakeholder_group))
    response = web.json_response({"token": joined.token, "group": joined.voter.stakeholder_group,
                                  "name": joined.name, "matched": matched})
    response.set_cookie(COOKIE, joined.token, httponly=True, samesite="Strict",
                        max_age=7 * 24 * 3600, path="/")
    return response


async def names(request: web.Request) -> web.Response:
    """The registered names a phone may pick when joining: only with the right
    join code, and an empty list unless the facilitator allows picking."""
    room = request.app[ROOM]
    await _join_code(request)
    wait = room.address_buckets.take(_client(request))
    if wait:
        raise Refused(429, "too many requests: wait a moment", wait)
    return web.json_response({"names": await room.names()},
                             dumps=lambda o: json.dumps(o, ensure_ascii=False),
                             headers={"Cache-Control": "no-store"})


# ---------------------------------------------------------------- state


async def state(request: web.Request) -> web.Response:
    room = request.app[ROOM]
    voter = await _voter(request)
    await room.load_personal(voter, _token(request))
    return web.Response(text=room.state_for(voter, language(request)),
                        content_type="application/json",
                        headers={"Cache-Control": "no-store"})


async def events(request: web.Request) -> web.StreamResponse:
    """Server-sent events: the whole state on connect and after every change."""
    room = request.app[ROOM]
    voter = await _voter(request)
    if not room.open_stream(voter.device_id):
        raise Refused(429, "too many open connections", 5)
    response: web.StreamResponse | None = None
    lang = language(request)
    try:
        await room.load_personal(voter, _token(request))
        response = web.StreamResponse(headers={
            "Content-Type": "text/event-stream", "Cache-Control": "no-store",
            "X-Accel-Buffering": "no"})
        await response.prepare(request)
        await response.write(b"retry: 2000\n\n")
        sent = -1
        while not room.stopping:
            if room.version != sent:
                sent = room.version
                data = room.state_for(voter, lang)
                await response.write(f"id: {sent}\nevent: state\ndata: {data}\n\n".encode())
            else:
                await response.write(b": ping\n\n")
            await room.wait_change(sent, HEARTBEAT)
        return response
    except ConnectionError:  # the phone went away
        if response is None:
            raise
        return response
    finally:
        room.close_stream(voter.device_id)


# ---------------------------------------------------------------- voting


async def _open_poll(request: web.Request) -> tuple[Room, voting.Voter, voting.PollInfo]:
    room = request.app[ROOM]
    voter = await _voter(request)
    poll = await room.poll(_id(request, "poll_id", "no such poll"))
    if poll is None:
        raise Refused(404, "no such poll")
    return room, voter, poll


async def ballot(request: web.Request) -> web.Response:
    room, voter, poll = await _open_poll(request)
    data = await _body(request)
    value = data.get("values") if poll.type == "scale_statements" else data.get("value")
    who = room.ballot_voter(voter, _token(request), poll)
    result = await room.cast(poll, who, value)
    room.record_answer(voter, poll.id, result.value)
    if result.changed:
        room.emit(RoomEvent("ballot", poll.id, who.participant_id, who.stakeholder_group))
        if poll.results_visible:
            room.changed()
    return web.json_response({"ok": True, "value": result.value, "changed": result.changed},
                             dumps=lambda o: json.dumps(o, ensure_ascii=False))


async def qa_post(request: web.Request) -> web.Response:
    room, voter, poll = await _open_poll(request)
    data = await _body(request)
    who = room.ballot_voter(voter, _token(request), poll)
    item = await room.run(voting.qa_submit, room.store, poll, who, data.get("text"))
    room.emit(RoomEvent("qa_posted", poll.id, who.participant_id, who.stakeholder_group))
    room.changed()
    return web.json_response({"ok": True, "id": item.id})


async def qa_upvote(request: web.Request) -> web.Response:
    room = request.app[ROOM]
    voter = await _voter(request)
    item_id = _id(request, "item_id", "no such item")
    data = await _body(request)
    up = data.get("up", True)
    if not isinstance(up, bool):
        raise Refused(400, "up must be true or false")
    poll = await room.poll(await room.run(room.poll_of_item, item_id))
    if poll is None:
        raise Refused(404, "no such item")
    who = room.ballot_voter(voter, _token(request), poll)
    count = await room.run(voting.qa_upvote, room.store, item_id, who, up)
    room.record_upvote(voter, item_id, up)
    room.emit(RoomEvent("qa_upvoted", poll.id, who.participant_id, who.stakeholder_group))
    room.changed()
    return web.json_response({"ok": True, "upvotes": count, "up": up})


def create_app(room: Room) -> web.Application:
    """The participants' application for ``room`` (start the room first)."""
    app = web.Application(middlewares=[errors, security], client_max_size=MAX_BODY)
    app[ROOM] = room
    app[PAGE] = _templates().get_template("page.html")
    app.router.add_get("/", page)
    app.router.add_get("/j/{code}", page)
    app.router.add_get("/static/app.js", _static_handler("app.js", "text/javascript"))
    app.router.add_get("/static/app.css", _static_handler("app.css", "text/css"))
    app.router.add_get("/healthz", health)
    app.router.add_get("/favicon.ico", no_icon)
    app.router.add_post("/api/join", join)
    app.router.add_post("/api/names", names)
    app.router.add_get("/api/state", state)
    app.router.add_get("/api/events", events)
    app.router.add_post("/api/polls/{poll_id}/ballot", ballot)
    app.router.add_post("/api/polls/{poll_id}/qa", qa_post)
    app.router.add_post("/api/qa/{item_id}/upvote", qa_upvote)
    return app
