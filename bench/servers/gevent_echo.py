"""Echo on gevent's StreamServer, as gevent's users write it: a greenlet per
connection running plain blocking code; gevent's hub switches to another
greenlet whenever a socket would block.

usage: python3 gevent_echo.py HOST:PORT   (port 0: a free one)
"""
import sys

from gevent.server import StreamServer


def echo(sock, address):
    while True:
        data = sock.recv(65536)
        if not data:
            break
        sock.sendall(data)


if __name__ == '__main__':
    host, port = sys.argv[1].rsplit(':', 1)
    server = StreamServer((host, int(port)), echo, backlog=1024)
    server.start()
    print('listening on %s:%d' % server.address[:2], flush=True)
    server.serve_forever()
