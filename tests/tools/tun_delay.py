#!/usr/bin/env python3
"""tun_delay.py IFNAME DELAY_MS READYFILE: a real network delay without
tc netem, for the latency tests (run inside a network namespace the test
made).

Opens the TUN device IFNAME and sends every IPv4 packet the kernel
routes into it back into the kernel DELAY_MS later, with its source and
destination addresses swapped (the IP and TCP checksums do not change:
they sum both addresses).  With IFNAME holding 10.77.0.1/24, a TCP
connection to 10.77.0.2:P reaches a listener on 10.77.0.1:P (or on
0.0.0.0:P) as if from 10.77.0.2, and each direction crosses the device,
so a handshake takes 2 x DELAY_MS of real time in the kernel's TCP
stack, which a slow accept() never would.  Writes READYFILE once the
device exists (the caller then gives it its address); exits after 600 s
or when killed.
"""
import fcntl
import heapq
import os
import select
import struct
import sys
import time

TUNSETIFF = 0x400454ca
IFF_TUN, IFF_NO_PI = 0x0001, 0x1000

name, delay, ready = sys.argv[1], float(sys.argv[2]) / 1000, sys.argv[3]
fd = os.open('/dev/net/tun', os.O_RDWR)
fcntl.ioctl(fd, TUNSETIFF, struct.pack('16sH', name.encode(),
                                       IFF_TUN | IFF_NO_PI))
with open(ready + '.tmp', 'w') as f:
    f.write(name)
os.rename(ready + '.tmp', ready)
end = time.monotonic() + 600
queue, seq = [], 0
while time.monotonic() < end:
    now = time.monotonic()
    while queue and queue[0][0] <= now:
        os.write(fd, heapq.heappop(queue)[2])
    wait = (queue[0][0] - now) if queue else 1.0
    r, _, _ = select.select([fd], [], [], max(wait, 0))
    if r:
        p = bytearray(os.read(fd, 65536))
        if len(p) >= 20 and p[0] >> 4 == 4:
            p[12:16], p[16:20] = p[16:20], p[12:16]
            seq += 1
            heapq.heappush(queue, (time.monotonic() + delay, seq, bytes(p)))
