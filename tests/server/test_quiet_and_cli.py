"""The server never writes to the terminal; QR codes; `coworkshop serve` errors."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import segno
from aiohttp import ClientSession
from typer.testing import CliRunner

from coworkshop.cli import app
from coworkshop.core import polls as voting
from coworkshop.server import VotingServer, netinfo, qr_text_lines
from helpers.db import commit

from .conftest import CODE, build


async def test_a_bug_in_a_handler_is_a_500_logged_but_never_printed(
        tmp_path: Path, capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    store, session, polls = build(tmp_path / "quiet.cws")
    commit(store, voting.open_poll, polls["pick"].id)
    server = VotingServer(store, session.id, code=CODE)
    await server.start("127.0.0.1", 0)
    base = server.base_url("127.0.0.1")

    def broken(*_args: object) -> None:
        raise RuntimeError("a bug")

    try:
        async with ClientSession() as http:
            join = await http.post(f"{base}/api/join", json={"code": CODE, "group": "policy"})
            headers = {"Authorization": f"Bearer {(await join.json())['token']}"}
            monkeypatch.setattr(voting, "cast_ballots", broken)
            with caplog.at_level(logging.ERROR, logger="coworkshop.server"):
                resp = await http.post(f"{base}/api/polls/{polls['pick'].id}/ballot",
                                       json={"value": 1}, headers=headers)
            assert resp.status == 500 and (await resp.json()) == {"error": "server error"}
            monkeypatch.undo()
            resp = await http.post(f"{base}/api/polls/{polls['pick'].id}/ballot",
                                   json={"value": 1}, headers=headers)
            assert resp.status == 200  # still serving
            await http.get(f"{base}/")  # no access log either
    finally:
        await server.stop()
        store.close()
    assert any("a bug" in (r.exc_text or "") or r.exc_info for r in caplog.records)
    out, err = capfd.readouterr()
    assert out == "" and err == ""


def test_qr_text_lines_draw_the_qr_matrix() -> None:
    url = "http://192.168.1.20:8765/j/123456"
    lines = qr_text_lines(url, border=2, invert=False)
    matrix = [list(r) for r in segno.make(url, error="m").matrix_iter(border=2)]
    assert len(lines) == (len(matrix) + 1) // 2
    assert {len(line) for line in lines} == {len(matrix[0])}
    for y, line in enumerate(lines):
        for x, ch in enumerate(line):
            top = bool(matrix[2 * y][x])
            bottom = bool(matrix[2 * y + 1][x]) if 2 * y + 1 < len(matrix) else False
            assert ch == {(0, 0): " ", (1, 0): "\u2580", (0, 1): "\u2584",
                          (1, 1): "\u2588"}[(int(top), int(bottom))]
    inverted = qr_text_lines(url, border=2)
    assert inverted[0] == "\u2588" * len(matrix[0])  # the quiet zone, drawn light


def test_lan_candidates_always_end_with_loopback() -> None:
    found = netinfo.candidates()
    assert found[-1].ip == "127.0.0.1" and found[-1].kind == "loopback"
    assert len({a.ip for a in found}) == len(found)
    assert netinfo.classify("wlan0", "linux") == "wifi"
    assert netinfo.classify("docker0", "linux") == "virtual"


def test_serve_refuses_a_missing_file_and_an_unknown_poll(tmp_path: Path) -> None:
    runner = CliRunner()
    missing = runner.invoke(app, ["serve", str(tmp_path / "nope.cws")])
    assert missing.exit_code == 1 and "no such session file" in missing.output
    store, _session, _ = build(tmp_path / "s.cws")
    store.close()
    unknown = runner.invoke(app, ["serve", str(tmp_path / "s.cws"), "--open", "poll/nope"])
    assert unknown.exit_code == 1 and "--open poll/nope: no such poll" in unknown.output
    bad_code = runner.invoke(app, ["serve", str(tmp_path / "s.cws"), "--code", "12ab"])
    assert bad_code.exit_code == 1 and "--code" in bad_code.output
