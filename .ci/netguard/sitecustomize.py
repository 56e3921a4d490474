"""Network guard for CI: any Python process started with this folder on PYTHONPATH records and refuses
every attempt to reach a host other than this machine (loopback and Unix sockets stay allowed).

`.ci/run` runs the unit tests and `make book` with it (inside a network namespace when the machine
allows one) and fails the stage when the log ``$COURSE_NETGUARD_LOG`` is not empty, so an attempt
that the code catches and works around still fails CI.
"""

import errno
import ipaddress
import os
import socket
import traceback

_LOG = os.environ.get("COURSE_NETGUARD_LOG")
_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback", ""}


def _local(host) -> bool:
    if isinstance(host, bytes):
        host = host.decode(errors="replace")
    host = str(host).strip("[]").lower()
    if host in _LOCAL_NAMES:
        return True
    try:
        address = ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def _refuse(what: str, host) -> None:
    stack = "".join(traceback.format_stack(limit=8)[:-2])
    if _LOG:
        with open(_LOG, "a") as f:
            f.write(f"pid {os.getpid()}: {what} {host!r}\n{stack}\n")
    raise OSError(errno.ENETUNREACH, f"network guard: {what} {host!r} refused (CI runs offline)")


_connect, _connect_ex, _sendto = socket.socket.connect, socket.socket.connect_ex, socket.socket.sendto
_getaddrinfo = socket.getaddrinfo


def _host_of(sock, address):
    if sock.family in (socket.AF_INET, socket.AF_INET6) and isinstance(address, tuple):
        return address[0]
    return None


def connect(self, address):
    host = _host_of(self, address)
    if host is not None and not _local(host):
        _refuse("connect to", host)
    return _connect(self, address)


def connect_ex(self, address):
    host = _host_of(self, address)
    if host is not None and not _local(host):
        _refuse("connect to", host)
    return _connect_ex(self, address)


def sendto(self, data, *args):
    address = args[-1] if args else None
    host = _host_of(self, address)
    if host is not None and not _local(host):
        _refuse("send to", host)
    return _sendto(self, data, *args)


def getaddrinfo(host, *args, **kwargs):
    if host is not None and not _local(host):
        _refuse("look up", host)
    return _getaddrinfo(host, *args, **kwargs)


if _LOG:
    socket.socket.connect, socket.socket.connect_ex, socket.socket.sendto = connect, connect_ex, sendto
    socket.getaddrinfo = getaddrinfo
