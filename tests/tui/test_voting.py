"""Polls in the TUI: open and close, tallies, results, live voting from phones,
Q&A, new questions, and quitting while phones are connected."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

from aiohttp import ClientSession, ClientTimeout, TCPConnector
from textual.pilot import Pilot
from textual.widgets import Digits, Input, Select, TextArea

from coworkshop.core import polls as voting
from coworkshop.core.store import Store
from coworkshop.tui.polls.new_poll import NewQuestionScreen
from coworkshop.tui.polls.poll_view import PollView
from coworkshop.tui.polls.tally import TallyScreen
from coworkshop.tui.polls.voting import JoinScreen
from coworkshop.tui.session.session import SessionScreen

from .helpers import (
    flat,
    make_app,
    open_activity,
    region_text,
    screen_text,
    settle,
    start_live,
    wait_for,
)

POLL = "Relevance of the cross-points"


def stored_polls(path: Path) -> dict[str, voting.PollInfo]:
    """The polls as the file has them now, by question key."""
    store = Store.open(path)
    try:
        session = store.only_session()
        return {p.question.key: p for p in voting.polls(store, session.id)}
    finally:
        store.close()


async def poll_view(pilot: Pilot[Any], question: str = "") -> PollView:
    """Open the test template's poll activity; optionally move to a question."""
    view = await open_activity(pilot, POLL)
    assert isinstance(view, PollView)
    await wait_for(pilot, lambda: bool(view.polls), what="the questions")
    if question:
        while view.current is not None and view.current.question.key != question:
            await pilot.press("down")
            await settle(pilot)
    return view


def view_text(pilot: Pilot[Any], view: PollView) -> str:
    return flat(region_text(pilot.app, view))


async def enter_tallies(pilot: Pilot[Any], counts: dict[str, str], group: str = "",
                        source: str = "hands") -> None:
    await pilot.press("e")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, TallyScreen)
    screen.query_one("#tally-source", Select).value = source
    screen.query_one("#tally-group", Select).value = group
    await settle(pilot)
    for input_id, value in counts.items():
        screen.query_one(f"#{input_id}", Input).value = value
    await pilot.press("ctrl+s")
    await settle(pilot)


async def test_open_close_and_tallies_without_a_server(
    sessions_dir: Path, templates_dir: Path, session_file: Path
) -> None:
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=(100, 32)) as pilot:
        view = await poll_view(pilot, "stage")
        text = view_text(pilot, view)
        assert "1. How far does each vision answer the need?" in text
        assert "2. Where do you stand? one choice" in text
        assert "○ Not started ○ Piloting" in text  # the plan, before anyone answers

        # the palette offers the poll actions by name
        names = [name for name, _help, _run in app.palette_entries(app.screen)]
        for wanted in ("poll: open", "poll: close", "poll: show results",
                       "poll: start live voting", "poll: enter tally counts", "poll: add question"):
            assert wanted in names

        await pilot.press("o")
        await settle(pilot)
        assert stored_polls(session_file)["stage"].state == "open"
        assert "● OPEN" in view_text(pilot, view)
        assert "Live voting is off" in view_text(pilot, view)

        # a show of hands: 3 not started, 5 piloting
        await enter_tallies(pilot, {"count-0-0": "3", "count-0-1": "5"})
        assert isinstance(app.screen, SessionScreen)
        text = view_text(pilot, view)
        assert "8 counted by hand" in text
        # hidden while open, so early counts do not sway the room
        assert "Results hidden from the room" in text
        assert "38%" not in text and "█" not in text

        await pilot.press("r")
        await settle(pilot)
        assert stored_polls(session_file)["stage"].results_visible
        text = view_text(pilot, view)
        assert "8 people answered" in text
        assert "Not started" in text and "3 38%" in text
        assert "Piloting" in text and "5 62%" in text
        assert "█" in text

        # hide again, then closing shows them
        await pilot.press("r")
        await settle(pilot)
        assert "Results hidden from the room" in view_text(pilot, view)
        await pilot.press("c")
        await settle(pilot)
        stage = stored_polls(session_file)["stage"]
        assert (stage.state, stage.results_visible) == ("closed", True)
        assert "■ closed" in view_text(pilot, view) and "3 38%" in view_text(pilot, view)

        # reopening keeps the counts, hides the results again
        await pilot.press("o")
        await settle(pilot)
        stage = stored_polls(session_file)["stage"]
        assert (stage.state, stage.results_visible) == ("open", False)

        # paper ballots of one stakeholder group add to the show of hands
        await enter_tallies(pilot, {"count-0-1": "2"}, group="industry", source="paper")
        await pilot.press("r", "b")
        await settle(pilot)
        text = view_text(pilot, view)
        assert "10 people answered" in text
        assert "Industry" in text and "Not split by group" in text
        assert "Piloting 7 · 70% overall" in text
        store = Store.open(session_file)
        try:
            res = voting.results(store, stage.id)
        finally:
            store.close()
        assert [r.count for r in res.rows] == [3, 7]
        assert res.rows[1].by_group["industry"] == 2


async def test_rating_statements_by_hand(
    sessions_dir: Path, templates_dir: Path, session_file: Path
) -> None:
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=(100, 32)) as pilot:
        view = await poll_view(pilot, "rel")
        await pilot.press("o")  # counts are for a question put to the room
        # statements come from the cross-points, one row of counts per statement
        await enter_tallies(pilot, {"count-0-0": "6", "count-0-2": "2", "count-1-1": "4"})
        await pilot.press("r")
        await settle(pilot)
        text = view_text(pilot, view)
        assert "1. Transparent micro-credentials" in text
        assert "2. Quality assurance that fits" in text
        assert "75%" in text and "25%" in text and "100%" in text  # inside the stacked bars
        assert "n=8" in text and "n=4" in text
        assert "■ Agree ■ Can live with it ■ Disagree" in text


async def test_live_voting_from_phones(
    sessions_dir: Path, templates_dir: Path, session_file: Path
) -> None:
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=(100, 32)) as pilot:
        view = await poll_view(pilot, "stage")
        await pilot.press("o")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SessionScreen) and screen.live is not None
        live = screen.live
        live.host, live.port = "127.0.0.1", 0

        await pilot.press("w")
        await wait_for(pilot, lambda: isinstance(app.screen, JoinScreen), what="join screen")
        url = live.base_url()
        assert url.startswith("http://127.0.0.1:")
        text = screen_text(app)
        assert "Join the vote" in text and url in text
        assert "█" in text and "▀" in text  # the QR code
        assert "0 joined" in text
        code = live.code
        assert len(code) == 6

        async with ClientSession(url, timeout=ClientTimeout(total=10)) as phones:
            async def join(group: str) -> dict[str, str]:
                resp = await phones.post("/api/join", json={"code": code, "group": group})
                assert resp.status == 200, await resp.text()
                phones.cookie_jar.clear()
                return {"Authorization": f"Bearer {(await resp.json())['token']}"}

            first = await join("policy")
            await wait_for(pilot, lambda: "1 joined" in screen_text(app), what="joined count")

            await pilot.press("escape")  # back to the poll; voting goes on
            await settle(pilot)
            assert isinstance(app.screen, SessionScreen)
            assert "● LIVE" in view_text(pilot, view) and code[:3] in view_text(pilot, view)

            second = await join("industry")
            poll_id = view.current.id if view.current else ""
            for headers, value in ((first, 1), (second, 0)):
                resp = await phones.post(f"/api/polls/{poll_id}/ballot", json={"value": value},
                                         headers=headers)
                assert resp.status == 200, await resp.text()
            await wait_for(pilot, lambda: "2 of 2 joined answered" in view_text(pilot, view),
                           what="the live count")
            # still hidden from the room
            assert "Results hidden from the room" in view_text(pilot, view)
            await pilot.press("r")
            await settle(pilot)
            text = view_text(pilot, view)
            assert "2 people answered" in text
            assert "1 50%" in text

            # a changed answer moves the bars
            resp = await phones.post(f"/api/polls/{poll_id}/ballot", json={"value": 1},
                                     headers=second)
            assert resp.status == 200
            await wait_for(pilot, lambda: "2 100%" in view_text(pilot, view),
                           what="the changed ballot")

            # closing refuses later ballots
            await pilot.press("c")
            await settle(pilot)
            late = await phones.post(f"/api/polls/{poll_id}/ballot", json={"value": 0},
                                     headers=first)
            assert late.status == 409

        # the server survives switching activities; stopping it ends it
        await pilot.press("escape", "up")
        await settle(pilot)
        assert live.running
        screen.action_stop_voting()
        await settle(pilot)
        assert not live.running


async def test_qa_items_ranked_highlighted_and_answered(
    sessions_dir: Path, templates_dir: Path, session_file: Path
) -> None:
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=(100, 32)) as pilot:
        view = await poll_view(pilot)
        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, NewQuestionScreen)
        form.query_one("#q-type", Select).value = "qa"
        form.query_one("#q-text", Input).value = "Questions for the panel?"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, SessionScreen)
        assert view.current is not None and view.current.type == "qa"
        await pilot.press("o")
        await settle(pilot)

        # three participants post; one question gets two upvotes
        store = Store.open(session_file)
        try:
            session = store.only_session()
            poll = voting.get_poll(store, view.current.id)
            voters = [voting.join(store, session, g).voter
                      for g in ("policy", "industry", "policy")]
            early = voting.qa_submit(store, poll, voters[0], "Who pays for the vouchers?")
            popular = voting.qa_submit(store, poll, voters[1], "Will employers trust them?")
            voting.qa_submit(store, poll, voters[2], "Is there a national register?")
            voting.qa_upvote(store, popular.id, voters[0])
            voting.qa_upvote(store, popular.id, voters[2])
        finally:
            store.close()
        view.reload()
        await settle(pilot)

        def order() -> list[str]:
            lines = view_text(pilot, view)
            return sorted(["Who pays", "Will employers", "Is there"],
                          key=lambda t: lines.index(t) if t in lines else 10**6)

        text = view_text(pilot, view)
        assert "3 items from 3 people" in text
        assert "▲ 2 Will employers trust them?" in text
        assert order() == ["Will employers", "Who pays", "Is there"]

        await pilot.press("enter")  # into the items
        await pilot.press("down")  # "Who pays for the vouchers?"
        await pilot.press("h")
        await settle(pilot)
        items = {i.text: i for i in stored_qa(session_file, view.current.id)}
        assert items["Who pays for the vouchers?"].highlighted
        assert order()[0] == "Who pays"  # the highlighted one first
        assert "★" in view_text(pilot, view)

        await pilot.press("d")  # answered: no longer highlighted, goes last
        await settle(pilot)
        items = {i.text: i for i in stored_qa(session_file, view.current.id)}
        assert items["Who pays for the vouchers?"].answered
        assert not items["Who pays for the vouchers?"].highlighted
        assert order()[-1] == "Who pays"

        # hide an item from the room, then bring it back
        view.query_one("#qa-items").highlighted = 0  # type: ignore[attr-defined]
        await pilot.press("x")
        await settle(pilot)
        assert "Will employers" not in view_text(pilot, view)
        assert "1 hidden" in view_text(pilot, view)
        assert early.id  # the ids are stable across the reloads


def stored_qa(path: Path, poll_id: str) -> list[voting.QAView]:
    store = Store.open(path)
    try:
        return voting.qa_items(store, poll_id, include_hidden=True)
    finally:
        store.close()


async def test_add_questions_and_a_new_poll_with_the_form(
    sessions_dir: Path, templates_dir: Path, session_file: Path
) -> None:
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=(100, 32)) as pilot:
        view = await poll_view(pilot)
        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, NewQuestionScreen)
        # only the fields the type needs are shown
        assert form.query_one("#field-options").display
        assert not form.query_one("#field-scale").display
        form.query_one("#q-text", Input).value = "Which guideline matters most?"
        form.query_one("#q-options", TextArea).load_text("Only one option")
        await pilot.press("ctrl+s")
        await settle(pilot)
        # the core's refusal, in the form; nothing typed is lost
        assert app.screen is form
        assert "at least 2 options" in flat(str(form.query_one("#form-error").render()))
        form.query_one("#q-options", TextArea).load_text("Recognition\nQuality\n\nFunding\n")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, SessionScreen)
        stored = stored_polls(session_file)
        added = stored["which-guideline-matters-most"]
        assert (added.type, added.choices) == ("single", ("Recognition", "Quality", "Funding"))
        assert view.current is not None and view.current.id == added.id
        assert "3. Which guideline matters most?" in view_text(pilot, view)

        # a rating with a standard scale: the scale is copied into the session
        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, NewQuestionScreen)
        form.query_one("#q-type", Select).value = "scale"
        await settle(pilot)
        assert form.query_one("#field-scale").display
        form.query_one("#q-scale", Select).value = "fist-to-five"
        form.query_one("#q-text", Input).value = "Can you live with the roadmap?"
        await pilot.press("ctrl+s")
        await settle(pilot)
        rating = stored_polls(session_file)["can-you-live-with-the-roadmap"]
        assert rating.choices[0].startswith("0 - Fist")

        # a new poll activity at the end of the agenda, shown at once
        app.screen.action_new_poll()  # type: ignore[attr-defined]
        await settle(pilot)
        form = app.screen
        assert isinstance(form, NewQuestionScreen)
        form.query_one("#poll-title", Input).value = "Closing round"
        form.query_one("#q-type", Select).value = "wordcloud"
        form.query_one("#q-text", Input).value = "One word for today?"
        await pilot.press("ctrl+s")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SessionScreen)
        assert screen.activities[-1].title == "Closing round"
        assert screen.agenda.current() is not None
        assert screen.agenda.current().title == "Closing round"  # type: ignore[union-attr]
        new_view = screen.query_one("#activity-view").children[0]
        assert isinstance(new_view, PollView) and new_view.activity.title == "Closing round"
        assert "One word for today?" in flat(region_text(app, new_view))


async def test_results_read_on_a_small_terminal(
    sessions_dir: Path, templates_dir: Path, session_file: Path
) -> None:
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=(80, 24)) as pilot:
        view = await poll_view(pilot, "stage")
        await pilot.press("o")
        await enter_tallies(pilot, {"count-0-0": "1", "count-0-1": "3"})
        await pilot.press("c")
        await settle(pilot)
        text = view_text(pilot, view)
        assert "Not started" in text and "1 25%" in text
        assert "Piloting" in text and "3 75%" in text
        # the agenda steps aside on a narrow terminal: the bars get the width
        bar_line = next(line for line in region_text(app, view).splitlines() if "75%" in line)
        assert bar_line.count("█") >= 30


async def test_quitting_with_phones_connected_is_quick(
    sessions_dir: Path, templates_dir: Path, session_file: Path
) -> None:
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=(100, 32)) as pilot:
        await poll_view(pilot, "stage")
        await pilot.press("o")
        live = await start_live(pilot)
        phones = ClientSession(live.base_url(), timeout=ClientTimeout(total=10))
        resp = await phones.post("/api/join", json={"code": live.code, "group": "policy"})
        token = (await resp.json())["token"]
        stream = await phones.get("/api/events", headers={"Authorization": f"Bearer {token}"})
        assert stream.status == 200
        first = await asyncio.wait_for(stream.content.readline(), 5)
        assert first.startswith(b"retry:") or first.startswith(b"event:")
        await wait_for(pilot, lambda: live.connected() == 1, what="the live connection")
        started = time.monotonic()
        await pilot.press("q")
    took = time.monotonic() - started
    try:
        # the phone's stream was ended by the server, not left hanging
        rest = await asyncio.wait_for(stream.content.read(), 2)
        assert stream.content.at_eof(), rest
    finally:
        stream.release()
        await phones.close()
    print(f"quit took {took:.3f}")
    assert took < 1.5, f"quitting took {took:.2f} s"


def test_every_key_has_an_id_a_tooltip_and_a_description() -> None:
    from textual.binding import Binding

    from coworkshop.tui.polls.poll_view import QAList

    for owner in (PollView, QAList, JoinScreen, TallyScreen, NewQuestionScreen):
        for binding in owner.BINDINGS:
            assert isinstance(binding, Binding)
            assert binding.id and binding.tooltip and binding.description, (owner, binding)


async def test_rated_statements_show_agreement_median_status_and_sort(
    sessions_dir: Path, templates_dir: Path, session_file: Path
) -> None:
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=(110, 40)) as pilot:
        view = await poll_view(pilot, "rel")
        await pilot.press("o")  # counts are for a question put to the room
        # statement 1: Agree 6, Disagree 2 (exactly 75%: consensus);
        # statement 2: Can live with it 4 (n 4: too few answers)
        await enter_tallies(pilot, {"count-0-0": "6", "count-0-2": "2", "count-1-1": "4"})
        await pilot.press("r")
        await settle(pilot)
        text = view_text(pilot, view)
        assert "agree 75% · disagree 25% · median Agree · consensus" in text
        assert "agree 100% · disagree 0% · median Can live with it · too few answers" in text
        assert text.index("1. Transparent") < text.index("2. Quality")
        await pilot.press("v")  # ordered by agreement: 100% before 75%
        await settle(pilot)
        text = view_text(pilot, view)
        assert "Ordered by agreement" in text
        assert text.index("2. Quality") < text.index("1. Transparent")
        # by group: a hand count by group gets its share and mark beside its bar
        await enter_tallies(pilot, {"count-0-0": "3"}, group="policy")
        await pilot.press("b")
        await settle(pilot)
        text = view_text(pilot, view)
        assert "n=3 100%" in text  # too few for a status mark (n < 5)
        await pilot.press("v")
        await settle(pilot)
        assert "Ordered by agreement" not in view_text(pilot, view)


async def test_code_guessing_warns_on_the_session_bar_and_n_gives_a_new_code(
    sessions_dir: Path, templates_dir: Path, session_file: Path
) -> None:
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=(140, 32)) as pilot:
        await poll_view(pilot, "stage")
        live = await start_live(pilot)
        old = live.code
        await pilot.press("escape")
        await settle(pilot)
        for n in range(2, 32):  # wrong codes from many addresses: past the room's ceiling
            guesser = TCPConnector(local_addr=(f"127.0.0.{n}", 0))
            async with ClientSession(live.base_url(), connector=guesser,
                                     timeout=ClientTimeout(total=10)) as phone:
                await phone.post("/api/join", json={"code": "000000", "group": "policy"})
        await wait_for(pilot, live.codes_locked, what="joining paused")
        await wait_for(pilot, lambda: "CODE GUESSING" in screen_text(app), what="the warning")
        async with ClientSession(live.base_url(), timeout=ClientTimeout(total=10)) as phone:
            paused = await phone.post("/api/join", json={"code": old, "group": "policy"})
            assert paused.status == 429
            await pilot.press("w")
            await wait_for(pilot, lambda: isinstance(app.screen, JoinScreen), what="join screen")
            await pilot.press("n")
            await settle(pilot)
            assert not live.codes_locked()
            code = live.code
            shown = app.screen.query_one("#join-code", Digits).value
            assert shown == f"{code[:3]} {code[3:]}"  # the big digits show the new code
            assert "New code" in screen_text(app)
            ok = await phone.post("/api/join", json={"code": code, "group": "policy"})
            assert ok.status == 200
        await pilot.press("escape")
        await wait_for(pilot, lambda: "CODE GUESSING" not in screen_text(app),
                       what="the warning to go")


async def test_the_palette_finds_actions_by_the_words_people_use(
    sessions_dir: Path, templates_dir: Path, session_file: Path
) -> None:
    """Typed in the command palette, "tally", "count" and "hands" (a word of its
    description only) find the counts form; "projector" finds present mode."""
    from textual.command import CommandPalette
    from textual.widgets import OptionList

    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await poll_view(pilot)
        for words, wanted in (("tally", "poll: enter tally counts"),
                              ("count", "poll: enter tally counts"),
                              ("hands", "poll: enter tally counts"),  # in its description
                              ("projector", "present")):
            app.action_command_palette()
            await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette), what="palette")
            await pilot.press(*words)

            def found(wanted: str = wanted) -> bool:
                options = app.screen.query_one(OptionList)
                return any(wanted in str(options.get_option_at_index(i).prompt)
                           for i in range(options.option_count))

            await wait_for(pilot, found, what=f"{wanted!r} for {words!r}")
            await pilot.press("escape")
            await wait_for(pilot, lambda: not isinstance(app.screen, CommandPalette),
                           what="palette closed")


async def test_live_voting_that_cannot_start_says_why_in_the_room_language_and_leaves_no_process(
    sessions_dir: Path, templates_dir: Path, session_file: Path,
    monkeypatch: Any,
) -> None:
    import psutil

    from .helpers import notifications

    def servers() -> list[int]:
        return [p.pid for p in psutil.Process().children(recursive=True)
                if "coworkshop.server.process" in " ".join(p.cmdline())]

    monkeypatch.setenv("COWORKSHOP_LANG", "it")
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=(100, 32)) as pilot:
        await poll_view(pilot)
        screen = app.screen
        assert isinstance(screen, SessionScreen) and screen.live is not None
        live = screen.live
        live.host, live.port = "203.0.113.7", 0  # a documentation address: not this machine's
        await pilot.press("w")
        await wait_for(pilot, lambda: any("203.0.113.7" in n for n in notifications(app)),
                       what="the refusal")
        [refusal] = [n for n in notifications(app) if "203.0.113.7" in n]
        # the server process's refusal, told in the facilitator's language
        assert "impossibile ascoltare su 203.0.113.7" in refusal, refusal
        assert not live.running and not isinstance(app.screen, JoinScreen)
        await wait_for(pilot, lambda: servers() == [], what="the server process gone")
        # the facilitator fixes the address and starts again
        live = await start_live(pilot)
        assert len(servers()) == 1
    assert servers() == []


async def test_a_server_process_that_ends_by_itself_is_reported_and_voting_starts_again(
    sessions_dir: Path, templates_dir: Path, session_file: Path,
) -> None:
    import os
    import signal

    import psutil

    from .helpers import notifications

    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=(100, 32)) as pilot:
        await poll_view(pilot, "stage")
        await pilot.press("o")
        live = await start_live(pilot)
        async with ClientSession(live.base_url(), timeout=ClientTimeout(total=10)) as phone:
            resp = await phone.post("/api/join", json={"code": live.code, "group": "policy"})
            assert resp.status == 200
        assert isinstance(app.screen, JoinScreen) and live.server is not None
        server = psutil.Process(live.server.pid)
        # stopped from outside (a system shutting down, a task manager): it
        # stops cleanly and ends, though the app still runs
        os.kill(server.pid, signal.SIGTERM)
        await asyncio.to_thread(server.wait, 15)
        await wait_for(pilot, lambda: any("ended by itself" in n for n in notifications(app)),
                       what="the facilitator told")
        await wait_for(pilot, lambda: not live.running, what="voting off")
        # the join screen's code no longer works: it does not stay up for the room
        await wait_for(pilot, lambda: isinstance(app.screen, SessionScreen), what="back")
        await wait_for(pilot, lambda: "LIVE" not in screen_text(app).splitlines()[0],
                       what="the LIVE badge gone")
        # what the phone did is in the file; voting starts again with the same code
        code = live.code or ""
        live = await start_live(pilot)
        assert live.running and (not code or live.code == code)
        async with ClientSession(live.base_url(), timeout=ClientTimeout(total=10)) as phone:
            resp = await phone.post("/api/join", json={"code": live.code, "group": "policy"})
            assert resp.status == 200
