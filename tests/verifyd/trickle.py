#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Slowloris client for the tests and the benchmark (stdlib only).

    trickle.py HOST PORT N CONTROL [SOURCE]

Keeps up to N connections to HOST:PORT open from the local address SOURCE
(default 127.0.0.2, so that other clients on 127.0.0.1 are a different
address), each sending a request line and then one header byte per round
(0.5 s), never ending the header. Connections the server closes are opened
again while the file CONTROL does not exist. Prints "ready" after three
rounds of that. When CONTROL appears it stops reconnecting and
keeps trickling on what is left until the server has closed every
connection (at most 240 more rounds), then prints one line:

    attempts=A closed_by_server=C left_open=L closed_while_trickling=T
    max_open=M

closed_while_trickling counts connections the server closed after they had
sent at least 3 header bytes in 3 rounds (so not refused at accept).
Exit status 0 if left_open is 0.
"""
import errno
import os
import resource
import select
import socket
import sys
import time

ROUND = 0.5
LINE = b"GET /healthz HTTP/1.1\r\nHost: x\r\n"
PAD = b"X-Slow: " + b"a" * 4000


def open_one(host, port, source):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind((source, 0))
        s.settimeout(2)
        s.connect((host, port))
        s.sendall(LINE)
        s.setblocking(False)
    except OSError:
        s.close()
        return None
    return s


def main():
    host, port, n, control = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    source = sys.argv[5] if len(sys.argv) > 5 else "127.0.0.2"
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    conns = {}          # fd -> [socket, bytes sent]
    attempts = closed = trickled = max_open = 0
    ready = False
    drain_rounds = rounds = 0
    while True:
        stopping = os.path.exists(control)
        if not stopping:
            while len(conns) < n:
                attempts += 1
                s = open_one(host, port, source)
                if s is None:
                    closed += 1
                    break
                conns[s.fileno()] = [s, 0]
            rounds += 1
            if not ready and rounds >= 3:
                print("ready", flush=True)
                ready = True
        # Whatever the server closed reads as EOF or an error.
        p = select.poll()
        for fd in conns:
            p.register(fd, select.POLLIN)
        for fd, _ in p.poll(0):
            s, sent = conns[fd]
            try:
                data = s.recv(4096)
            except OSError:
                data = b""
            if data == b"":
                closed += 1
                if sent >= 3:
                    trickled += 1
                s.close()
                del conns[fd]
        max_open = max(max_open, len(conns))
        for fd in list(conns):
            s, sent = conns[fd]
            try:
                s.send(PAD[sent % len(PAD):sent % len(PAD) + 1])
                conns[fd][1] = sent + 1
            except OSError as e:
                if e.errno in (errno.EAGAIN, errno.EWOULDBLOCK):
                    continue
                closed += 1
                if sent >= 3:
                    trickled += 1
                s.close()
                del conns[fd]
        if stopping:
            drain_rounds += 1
            if not conns or drain_rounds > 240:
                break
        time.sleep(ROUND)
    print("attempts=%d closed_by_server=%d left_open=%d "
          "closed_while_trickling=%d max_open=%d"
          % (attempts, closed, len(conns), trickled, max_open), flush=True)
    return 0 if not conns else 1


if __name__ == "__main__":
    sys.exit(main())
