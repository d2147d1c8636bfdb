"""The laptop's addresses that phones in the room could reach.

Only local interfaces are read: no packet leaves the machine (no "connect a
UDP socket to a public address" trick). On Linux each interface is asked for
its IPv4 address with the ``SIOCGIFADDR`` ioctl; elsewhere, or if that fails,
the host name is resolved. ``127.0.0.1`` is always listed, last.
"""

from __future__ import annotations

import ipaddress
import socket
import struct
import sys
from dataclasses import dataclass

SIOCGIFADDR = 0x8915  # Linux: get an interface's IPv4 address
# Interfaces phones cannot reach: containers, VMs, VPN tunnels.
_VIRTUAL = ("docker", "br-", "veth", "virbr", "vmnet", "vboxnet", "tun", "tap", "wg", "zt")


@dataclass(frozen=True)
class Address:
    ip: str
    interface: str  # "" when found through the host name
    kind: str  # lan | link-local | virtual | other | loopback

    @property
    def label(self) -> str:
        where = f" ({self.interface})" if self.interface else ""
        return f"{self.ip}{where} - {self.kind}"


def _kind(ip: str, interface: str) -> str:
    addr = ipaddress.IPv4Address(ip)
    if addr.is_loopback:
        return "loopback"
    if addr.is_link_local:
        return "link-local"
    if interface.startswith(_VIRTUAL):
        return "virtual"
    if addr.is_private:
        return "lan"
    return "other"


_RANK = {"lan": 0, "other": 1, "link-local": 2, "virtual": 3, "loopback": 4}


def _linux_interfaces() -> list[tuple[str, str]]:
    import fcntl

    found = []
    for _index, name in socket.if_nameindex():
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            try:
                packed = fcntl.ioctl(
                    s.fileno(), SIOCGIFADDR, struct.pack("256s", name.encode()[:15])
                )
            except OSError:  # no IPv4 address on this interface
                continue
        found.append((socket.inet_ntoa(packed[20:24]), name))
    return found


def _resolved() -> list[tuple[str, str]]:
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        return []
    return [(str(info[4][0]), "") for info in infos]


def candidates() -> list[Address]:
    """Addresses to offer the facilitator, the most likely LAN address first."""
    pairs: list[tuple[str, str]] = []
    if sys.platform.startswith("linux"):
        try:
            pairs = _linux_interfaces()
        except (OSError, ImportError):
            pairs = []
    if not [ip for ip, _ in pairs if not ip.startswith("127.")]:
        pairs += _resolved()
    seen: dict[str, Address] = {}
    for ip, name in pairs:
        if ip not in seen and not ip.startswith("0."):
            seen[ip] = Address(ip, name, _kind(ip, name))
    seen.setdefault("127.0.0.1", Address("127.0.0.1", "lo", "loopback"))
    return sorted(seen.values(), key=lambda a: (_RANK[a.kind], ipaddress.IPv4Address(a.ip)))


def best() -> Address:
    """The address to show first."""
    return candidates()[0]
