#!/usr/bin/env python3
"""A canned NTAG 424 DNA behind vpcd, for the end-to-end test of the PC/SC
backend and 'ntag424 info'. It is not an emulator: it answers the fixed
C-APDUs of an unauthenticated survey with AN12196 frames (FR-1, FR-2 with
the ORIG-1 UID, FR-5) and the factory file settings (reference 3.2).

    fake_card.py PORT
"""
import socket
import struct
import sys
import time

UID = "04518DFAA96180"  # AN12196 Table 30, so the signature verifies
SIG = ("D1940D17CFEDA4BFF80359AB975F9F6514313E8F90C1D3CAAF5941AD"
       "744A1CDF9A83F883CAFE0FE95D1939B1B7E47113993324473B785D21")
ANSWERS = {
    "00A4040C07D276000085010100": ["9000"],
    "9060000000": ["0404083000110591AF"],
    "90AF000000": ["0404020101110591AF", UID + "CD65935D4021189100"],
    "90F50000010100": ["000000E02000009100"],
    "90F50000010200": ["0000E0EE0001009100"],
    "90F50000010300": ["000330238000009100"],
    "903C0000010000": [SIG + "9100"],
}
ATR = bytes.fromhex("3B8180018080")


def answer(capdu, state):
    key = capdu.hex().upper()
    if key.startswith("90640000010") and len(key) == 14:
        return bytes.fromhex("009100")
    if key == "90AF000000":
        state["af"] += 1
        return bytes.fromhex(ANSWERS[key][(state["af"] - 1) % 2])
    if key == "9060000000":
        state["af"] = 0
    return bytes.fromhex(ANSWERS.get(key, ["911C"])[0])


def main():
    port = int(sys.argv[1])
    for _ in range(100):
        try:
            s = socket.create_connection(("127.0.0.1", port))
            break
        except OSError:
            time.sleep(0.1)
    else:
        sys.exit("fake_card: cannot connect to vpcd")
    state = {"af": 0}
    while True:
        head = s.recv(2, socket.MSG_WAITALL)
        if len(head) < 2:
            return
        n = struct.unpack(">H", head)[0]
        msg = s.recv(n, socket.MSG_WAITALL)
        if n == 1:
            if msg[0] == 4:
                s.sendall(struct.pack(">H", len(ATR)) + ATR)
            continue
        out = answer(msg, state)
        s.sendall(struct.pack(">H", len(out)) + out)


if __name__ == "__main__":
    main()
