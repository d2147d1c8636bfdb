"""Joining as a registered participant from a phone, in headless Chromium at 390x844."""

from __future__ import annotations

from pathlib import Path

from coworkshop.core import matching, sessions
from coworkshop.core.store import Store
from helpers.db import commit

from .serving import CODE, Served, make_file
from .test_browser import browser, phone  # noqa: F401  (browser is a fixture)


def registered(path: Path, *people: tuple[str, str]) -> dict[str, tuple[str, str]]:
    """Register people in the file; name -> (participant id, personal code)."""
    store = Store.open(path)
    try:
        session = store.only_session()
        out = {}
        for name, group in people:
            p = commit(store, sessions.add_participant, session, group, name)
            with store.db() as db:
                out[name] = (p.id, matching.personal_codes(db, session.id)[p.id])
        return out
    finally:
        store.close()


def counts(path: Path) -> matching.HeadCounts:
    store = Store.open(path, mode="read")
    try:
        with store.db() as db:
            return matching.head_counts(db, store.only_session().id)
    finally:
        store.close()


def test_a_phone_joins_with_a_personal_code(tmp_path: Path, browser) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    path = tmp_path / "match.cws"
    make_file(path)
    people = registered(path, ("Ana Petrova", "industry"))
    _pid, code = people["Ana Petrova"]
    served = Served(path, "p/stage")
    try:
        page, errors = phone(browser)
        page.goto(f"{served.url}/j/{CODE}")
        page.wait_for_selector("#join:not([hidden])")
        assert page.is_hidden("#pick")  # the facilitator did not allow picking names

        # a wrong code: a clear message on the page, nothing joined
        page.fill("#personal-code", "WRONG")
        page.click("#join-button")
        page.wait_for_selector("#join-error:has-text('Unknown personal code')")
        assert page.is_visible("#join")

        # the code as one might type it: lower case, a space; no group chosen
        page.fill("#personal-code", f"{code[:2].lower()} {code[2:].lower()}")
        page.click("#join-button")
        page.wait_for_selector("#vote:not([hidden])")
        assert page.inner_text("#who") == "Joined as Ana Petrova · Industry"
        page.locator("article[data-type=single]").wait_for()
        assert errors == []
    finally:
        served.stop()
    assert counts(path) == matching.HeadCounts(registered=1, by_phone=1, both=1)


def test_a_phone_picks_its_name_when_the_facilitator_allows_it(tmp_path: Path, browser) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    path = tmp_path / "pick.cws"
    make_file(path)
    people = registered(path, ("Ana Petrova", "industry"), ("Boris Ivanov", "policy"))
    store = Store.open(path)
    commit(store, matching.allow_name_pick, store.only_session().id, True)
    store.close()
    served = Served(path)
    try:
        page, errors = phone(browser)
        page.goto(f"{served.url}/j/{CODE}")
        page.wait_for_selector("#pick:not([hidden])")
        names = page.locator("#pick-names label").all_inner_texts()
        assert names == ["My name is not here", "Ana Petrova", "Boris Ivanov"]
        page.check(f"input[name=participant][value='{people['Boris Ivanov'][0]}']")
        page.click("#join-button")
        page.wait_for_selector("#vote:not([hidden])")
        assert page.inner_text("#who") == "Joined as Boris Ivanov · Policy makers"

        # a second phone no longer sees Boris on the list
        other, other_errors = phone(browser)
        other.goto(f"{served.url}/j/{CODE}")
        other.wait_for_selector("#pick:not([hidden])")
        assert other.locator("#pick-names label").all_inner_texts() == [
            "My name is not here", "Ana Petrova"]
        assert errors == [] and other_errors == []
    finally:
        served.stop()
    assert counts(path) == matching.HeadCounts(registered=2, by_phone=1, both=1)
