"""The chat server of the talk "gevent: Asynchronous I/O made easy" (Daniel
Pope, EuroPython 2014), in Python 3: for each user a handler greenlet that
asks for the name, then a reader greenlet and a writer greenlet with a
queue between them. It keeps the talk's texts and has none of the kit's
limits (no bound on a queue, no slow reader dropped): it is the homeland the
kit's chat is measured beside.

usage: python3 gevent_chat.py HOST:PORT   (port 0: a free one)
"""
import sys

import gevent
from gevent.queue import Queue
from gevent.server import StreamServer

users = {}  # name -> the queue of that user's writer


def broadcast(msg):
    msg += '\n'
    for v in users.values():
        v.put(msg)


def reader(username, f):
    for l in f:
        msg = '%s> %s' % (username, l.strip())
        broadcast(msg)


def writer(q, sock):
    while True:
        msg = q.get()
        sock.sendall(msg.encode())


def read_name(f, sock):
    while True:
        sock.sendall(b'Please enter your name: ')
        name = f.readline().strip()
        if name:
            if name in users:
                sock.sendall(b'That username is already taken.\n')
            else:
                return name


def handle(sock, client_addr):
    f = sock.makefile('r', encoding='utf-8', errors='replace')
    name = read_name(f, sock)
    broadcast('## %s joined from %s.' % (name, client_addr[0]))
    q = Queue()
    users[name] = q
    try:
        r = gevent.spawn(reader, name, f)
        w = gevent.spawn(writer, q, sock)
        gevent.joinall([r, w])
    finally:
        del users[name]
    broadcast('## %s left the chat.' % name)


if __name__ == '__main__':
    host, port = sys.argv[1].rsplit(':', 1)
    s = StreamServer((host, int(port)), handle)
    s.start()
    print('listening on %s:%d' % s.address[:2], flush=True)
    s.serve_forever()
