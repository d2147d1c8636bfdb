"""The join screen's addresses: each named by its network, the room's first,
on Linux, macOS and Windows (psutil's answers faked per system), and once for
real on this machine."""

from __future__ import annotations

import ipaddress
import socket
from collections import namedtuple
from collections.abc import Iterator
from typing import Any

import psutil
import pytest

from coworkshop.server import netinfo

Addr = namedtuple("Addr", "family address netmask broadcast ptp")
Stat = namedtuple("Stat", "isup duplex speed mtu flags")


@pytest.fixture(autouse=True)
def _forget_fake_ports() -> Iterator[None]:
    yield
    netinfo.macos_ports.cache_clear()  # the fake networksetup's answer


def v4(ip: str) -> Addr:
    return Addr(socket.AF_INET, ip, "255.255.255.0", None, None)


def v6(ip: str) -> Addr:
    return Addr(socket.AF_INET6, ip, None, None, None)


def fake(monkeypatch: pytest.MonkeyPatch, platform: str,
         interfaces: dict[str, tuple[bool, list[Addr]]], ports: str = "") -> None:
    """psutil (and macOS's networksetup) as a laptop on ``platform`` answers."""
    monkeypatch.setattr(netinfo.sys, "platform", platform)
    monkeypatch.setattr(psutil, "net_if_addrs",
                        lambda: {name: addrs for name, (_up, addrs) in interfaces.items()})
    monkeypatch.setattr(psutil, "net_if_stats",
                        lambda: {name: Stat(up, 0, 0, 1500, "") for name, (up, _a)
                                 in interfaces.items()})

    class Done:
        stdout = ports

    def run(args: list[str], **_kw: Any) -> Done:
        assert args[0] == "networksetup"
        return Done()

    monkeypatch.setattr(netinfo.subprocess, "run", run)
    netinfo.macos_ports.cache_clear()


def labels() -> list[str]:
    return [a.label for a in netinfo.candidates()]


def test_linux_laptop_with_wifi_cable_vpn_and_docker(monkeypatch: pytest.MonkeyPatch) -> None:
    fake(monkeypatch, "linux", {
        "lo": (True, [v4("127.0.0.1"), v6("::1")]),
        "docker0": (True, [v4("172.17.0.1")]),
        "tun0": (True, [v4("10.8.0.6")]),
        "enp3s0": (True, [v4("10.0.0.12"), v6("fe80::1%enp3s0")]),
        "wlp2s0": (True, [v4("192.168.1.23"), v6("fd00::23")]),
        "wlan1": (False, [v4("192.168.5.5")]),  # down: no phone reaches it
        "eth1": (True, [v4("169.254.10.2")]),  # link-local: no DHCP answered
    })
    assert labels() == [
        "Wi-Fi (wlp2s0) 192.168.1.23",
        "Ethernet (enp3s0) 10.0.0.12",
        "VPN (tun0) 10.8.0.6",
        "Virtual (docker0) 172.17.0.1",
        "This laptop only 127.0.0.1",
    ]
    assert netinfo.best().ip == "192.168.1.23"


def test_macos_names_en0_by_its_hardware_port(monkeypatch: pytest.MonkeyPatch) -> None:
    interfaces = {
        "lo0": (True, [v4("127.0.0.1")]),
        "en0": (True, [v4("192.168.1.40")]),
        "en5": (True, [v4("10.1.1.7")]),
        "utun3": (True, [v4("100.101.3.4")]),
        "bridge100": (True, [v4("192.168.64.1")]),
        "awdl0": (True, [v6("fe80::aa%awdl0")]),
    }
    fake(monkeypatch, "darwin", interfaces)  # networksetup says nothing: names alone
    assert labels() == [
        "Wi-Fi (en0) 192.168.1.40",
        "Ethernet (en5) 10.1.1.7",
        "VPN (utun3) 100.101.3.4",
        "Virtual (bridge100) 192.168.64.1",
        "This laptop only 127.0.0.1",
    ]
    # an iMac: en0 is the Ethernet port, en1 the Wi-Fi, as networksetup tells
    fake(monkeypatch, "darwin", {"en0": (True, [v4("10.0.0.9")]),
                                 "en1": (True, [v4("192.168.1.41")])},
         ports="Hardware Port: Ethernet\nDevice: en0\nEthernet Address: 00:00\n\n"
               "Hardware Port: Wi-Fi\nDevice: en1\nEthernet Address: 00:01\n")
    assert labels() == ["Wi-Fi (en1) 192.168.1.41", "Ethernet (en0) 10.0.0.9",
                        "This laptop only 127.0.0.1"]


def test_windows_friendly_names(monkeypatch: pytest.MonkeyPatch) -> None:
    fake(monkeypatch, "win32", {
        "Loopback Pseudo-Interface 1": (True, [v4("127.0.0.1")]),
        "vEthernet (WSL)": (True, [v4("172.29.48.1")]),
        "OpenVPN TAP-Windows6": (True, [v4("10.8.0.2")]),
        "Ethernet": (False, [v4("169.254.7.7")]),
        "Ethernet 2": (True, [v4("10.20.0.5")]),
        "Wi-Fi": (True, [v4("192.168.0.17")]),
        "Bluetooth Network Connection": (True, [v4("169.254.1.1")]),
    })
    assert labels() == [
        "Wi-Fi 192.168.0.17",  # not "Wi-Fi (Wi-Fi)"
        "Ethernet (Ethernet 2) 10.20.0.5",
        "VPN (OpenVPN TAP-Windows6) 10.8.0.2",
        "Virtual (vEthernet (WSL)) 172.29.48.1",
        "This laptop only 127.0.0.1",
    ]


def test_without_psutil_answers_the_host_name_is_resolved(
        monkeypatch: pytest.MonkeyPatch) -> None:
    def refused() -> None:
        raise PermissionError("sandbox")

    monkeypatch.setattr(psutil, "net_if_addrs", refused)
    monkeypatch.setattr(netinfo, "_resolved", lambda: [("192.168.3.3", "")])
    assert labels() == ["Network 192.168.3.3", "This laptop only 127.0.0.1"]


def test_this_machine() -> None:
    found = netinfo.candidates()
    assert found[-1].ip == "127.0.0.1" and found[-1].kind == "loopback"
    assert len({a.ip for a in found}) == len(found)
    for a in found:
        addr = ipaddress.IPv4Address(a.ip)
        assert not addr.is_link_local and a.kind in netinfo.KINDS
        assert a.label.endswith(a.ip)
    # every address psutil reports on an interface that is up is offered (or skipped
    # for a reason the facilitator would agree with)
    stats = psutil.net_if_stats()
    up = {a.address for name, addrs in psutil.net_if_addrs().items()
          for a in addrs if a.family == socket.AF_INET and stats[name].isup
          and not ipaddress.IPv4Address(a.address).is_link_local}
    assert up - {"127.0.0.1"} <= {a.ip for a in found}
