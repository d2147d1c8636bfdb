"""The participants' web server (aiohttp): phones join, vote and post here.

Importing this package imports aiohttp; the app imports it only when live
voting starts.
"""

from .qr import qr_svg, qr_text_lines
from .room import Limits, Room, RoomEvent
from .runner import DEFAULT_PORT, VotingServer, serve

__all__ = ["DEFAULT_PORT", "Limits", "Room", "RoomEvent", "VotingServer", "qr_svg",
           "qr_text_lines", "serve"]
