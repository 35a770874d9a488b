"""Echo as an asyncio Protocol, as asyncio's users write it: the loop calls
data_received with what arrived, and the transport buffers what the kernel
refuses. With --uvloop the same Protocol runs on uvloop, asyncio's loop
rebuilt on libuv.

usage: python3 asyncio_echo.py HOST:PORT [--uvloop]   (port 0: a free one)
"""
import asyncio
import sys


class Echo(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        self.transport.write(data)


async def main(host, port):
    loop = asyncio.get_running_loop()
    server = await loop.create_server(Echo, host, port, backlog=1024)
    print('listening on %s:%d' % server.sockets[0].getsockname()[:2], flush=True)
    await server.serve_forever()


if __name__ == '__main__':
    host, port = sys.argv[1].rsplit(':', 1)
    if '--uvloop' in sys.argv[2:]:
        import uvloop
        uvloop.install()
    asyncio.run(main(host, int(port)))
