"""A board shape that forgets one of the board's hooks is refused when it is defined."""

from __future__ import annotations

import pytest

from coworkshop.tui.canvas.board import Board
from coworkshop.tui.canvas.canvas_board import CanvasBoard
from coworkshop.tui.canvas.grid_board import GridBoard


def test_the_shipped_boards_define_every_hook() -> None:
    for shape in (CanvasBoard, GridBoard):
        assert not getattr(shape.render_cards, "__isabstractmethod__", False)


def test_a_board_without_its_cursor_is_refused() -> None:
    with pytest.raises(TypeError, match="must define .*action_cursor"):

        class HalfBoard(CanvasBoard):
            action_cursor = Board.action_cursor
