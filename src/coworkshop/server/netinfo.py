"""The laptop's addresses that phones in the room could reach, named by network.

The interfaces and their IPv4 addresses come from psutil, which reads them
the same way on Linux, macOS and Windows; no packet leaves the machine (no
"connect a UDP socket to a public address" trick). Each address is named by
the kind of network its interface is on (Wi-Fi, Ethernet, VPN, virtual) so the
facilitator can pick the room's network: "Wi-Fi (wlp2s0) 192.168.1.23".

Interfaces that are down, and link-local addresses (169.254.x.x: no DHCP
answered), are left out. ``127.0.0.1`` is always listed, last: with no network
at all the app still serves this laptop's own browser.

IPv6 is left out: phones type or scan an IPv4 address on a room's Wi-Fi, and
a link-local IPv6 address cannot be written in a URL a phone opens.
"""

from __future__ import annotations

import functools
import ipaddress
import re
import socket
import subprocess
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..i18n import N_, _

#: What each kind is called on screen, and its place in the list (the room's
#: network is most likely the Wi-Fi phones are on, then a cable to the room's
#: switch; a VPN or a virtual machine's bridge almost never).
KINDS = {
    "wifi": N_("Wi-Fi"),
    "ethernet": N_("Ethernet"),
    "other": N_("Network"),
    "vpn": N_("VPN"),
    "virtual": N_("Virtual"),
    "chosen": N_("Chosen"),
    "loopback": N_("This laptop only"),
}
_RANK = {kind: i for i, kind in enumerate(KINDS)}


@dataclass(frozen=True)
class Address:
    ip: str
    interface: str  # "" when found through the host name or given by the user
    kind: str  # a key of KINDS

    @property
    def where(self) -> str:
        """The network, by kind and interface: "Wi-Fi (wlp2s0)"."""
        name = _(KINDS[self.kind]) if self.kind in KINDS else self.kind
        # Windows names interfaces "Wi-Fi" or "Ethernet 2": no need to say it twice
        if self.interface and self.interface.lower() != name.lower():
            return f"{name} ({self.interface})"
        return name

    @property
    def label(self) -> str:
        """What the facilitator picks from: "Wi-Fi (wlp2s0) 192.168.1.23"."""
        return f"{self.where} {self.ip}"


# Interface names, by operating system. The first pattern that matches wins,
# so the specific ones ("vEthernet", a TAP adapter) come before the broad ones.
_VPN_NAMES = r"tun|tap|wg|ppp|utun|ipsec|tailscale|zt|nordlynx|proton|mullvad|gpd|cscotun"
_VIRTUAL_NAMES = (r"docker|br-|veth|virbr|vmnet|vboxnet|lxcbr|lxdbr|cni|flannel|podman|"
                  r"kube|bridge|vmenet|awdl|llw|anpi|ap\d|gif|stf|vnic")
_LINUX = [
    ("vpn", _VPN_NAMES),
    ("virtual", _VIRTUAL_NAMES),
    ("wifi", r"wl|wifi|ath|ra\d"),  # wlan0, wlp2s0, wlx00c0ca...
    ("ethernet", r"en|eth|em\d|p\d+p\d"),  # enp3s0, eno1, eth0, em1
]
_MACOS = [
    ("vpn", _VPN_NAMES),
    ("virtual", _VIRTUAL_NAMES),
    # en0 is the Wi-Fi of every MacBook without a built-in Ethernet port; the
    # hardware ports (networksetup) say for sure when they can be read.
    ("wifi", r"en0$"),
    ("ethernet", r"en\d"),
]
_WINDOWS = [
    ("virtual", r"vethernet|virtualbox|vmware|hyper-v|loopback pseudo|bluetooth|npcap|"
                r"docker|wsl"),
    ("vpn", r".*(vpn|tap-|tap |wireguard|wintun|tailscale|nordlynx|zerotier|forticlient|"
            r"cisco anyconnect|globalprotect)"),
    ("wifi", r"wi-?fi|wlan|wireless"),
    ("ethernet", r"ethernet|local area connection|lan\b"),
]


def _os_name(platform: str) -> str:
    if platform.startswith("win"):
        return "windows"
    if platform == "darwin":
        return "macos"
    return "linux"


def classify(interface: str, platform: str = sys.platform,
             ports: dict[str, str] | None = None) -> str:
    """The kind of network an interface is on, from its name (a key of :data:`KINDS`).

    ``ports``: on macOS, the hardware port of each device ("en0": "Wi-Fi"), when known.
    """
    os_name = _os_name(platform)
    name = interface.lower()
    if os_name == "macos" and ports and interface in ports:
        port = ports[interface].lower()
        if "wi-fi" in port or "airport" in port:
            return "wifi"
        if "ethernet" in port or "lan" in port or "thunderbolt ethernet" in port:
            return "ethernet"
        if "bridge" in port:
            return "virtual"
    rules = {"windows": _WINDOWS, "macos": _MACOS, "linux": _LINUX}[os_name]
    for kind, pattern in rules:
        if re.match(pattern, name):
            return kind
    return "other"


@functools.cache
def macos_ports() -> dict[str, str]:
    """macOS: each device's hardware port ("en0": "Wi-Fi"), from ``networksetup``;
    empty if it cannot be read (the names alone are used then).

    Read once: the join screen asks for the addresses at every redraw of its
    keys, and a port plugged in later is still named well by its name alone."""
    try:
        out = subprocess.run(["networksetup", "-listallhardwareports"], capture_output=True,
                             text=True, timeout=2, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    return {device: port for port, device in
            re.findall(r"Hardware Port: (.+)\nDevice: (\S+)", out)}


def _interfaces() -> list[tuple[str, str]]:
    """(ip, interface) of every IPv4 address on an interface that is up."""
    import psutil

    stats: dict[str, Any] = psutil.net_if_stats()
    found = []
    for name, addrs in psutil.net_if_addrs().items():
        stat = stats.get(name)
        if stat is not None and not stat.isup:
            continue
        found += [(a.address, name) for a in addrs if a.family == socket.AF_INET]
    return found


def _resolved() -> list[tuple[str, str]]:
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        return []
    return [(str(info[4][0]), "") for info in infos]


def candidates() -> list[Address]:
    """Addresses to offer the facilitator, the likeliest room network first
    (Wi-Fi, Ethernet, other, VPN, virtual), ``127.0.0.1`` last."""
    try:
        pairs = _interfaces()
    except Exception:  # psutil refused (a sandbox): fall back on the host name
        pairs = []
    if not [ip for ip, _ in pairs if not ip.startswith("127.")]:
        pairs += _resolved()
    ports = macos_ports() if sys.platform == "darwin" else None
    seen: dict[str, Address] = {}
    for ip, name in pairs:
        try:
            addr = ipaddress.IPv4Address(ip)
        except ValueError:
            continue
        if addr.is_link_local or addr.is_unspecified or addr.is_multicast or ip in seen:
            continue
        kind = "loopback" if addr.is_loopback else classify(name, sys.platform, ports)
        seen[ip] = Address(ip, name, kind)
    seen = {ip: a for ip, a in seen.items() if a.kind != "loopback"}
    seen["127.0.0.1"] = Address("127.0.0.1", "", "loopback")
    return sorted(seen.values(), key=lambda a: (
        _RANK.get(a.kind, len(_RANK)),
        # a private address (the room's DHCP) before a public one on the same kind
        not ipaddress.IPv4Address(a.ip).is_private,
        a.interface.lower(),
        ipaddress.IPv4Address(a.ip),
    ))


def best() -> Address:
    """The address to show first."""
    return candidates()[0]


#: Hosts that mean "every network of the laptop".
EVERY = ("0.0.0.0", "::")


class Reachable:
    """Where phones reach a participants' server, from its ``host``, ``port``,
    ``auto`` (the address was picked for the facilitator) and join ``code``:
    the server itself (``runner.VotingServer``) and the app's handle on the
    server's process (``process.ServerProcess``) answer alike."""

    host: str
    port: int
    auto: bool
    if TYPE_CHECKING:
        @property
        def code(self) -> str: ...

    def addresses(self) -> list[Address]:
        """Where phones could reach the laptop, the likeliest first.

        With an address chosen, only that one; otherwise every candidate (the
        facilitator may choose another).
        """
        if not self.auto and self.host not in EVERY:
            return [Address(self.host, "", "chosen")]
        found = candidates()
        if self.auto:  # the one listened on first
            found.sort(key=lambda a: a.ip != self.host)
        return found

    def base_url(self, ip: str | None = None) -> str:
        ip = ip or self.addresses()[0].ip
        return f"http://{ip}:{self.port}"

    def join_url(self, ip: str | None = None) -> str:
        """The link of the QR code: the page with the code filled in."""
        return f"{self.base_url(ip)}/j/{self.code}"
