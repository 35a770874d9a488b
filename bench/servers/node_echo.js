// Echo on Node's net module, as Node's users write it: a callback per
// event, and the socket's write buffering what the kernel refuses.
//
// usage: node node_echo.js HOST:PORT   (port 0: a free one)
'use strict';
const net = require('net');

const addr = process.argv[2] || '127.0.0.1:8000';
const colon = addr.lastIndexOf(':');

const server = net.createServer({ noDelay: true }, (socket) => {
  socket.on('data', (data) => {
    // false: the data waits in Node's buffer. Read no more until it has
    // drained, or a client that sends without reading fills our memory.
    if (!socket.write(data)) {
      socket.pause();
      socket.once('drain', () => socket.resume());
    }
  });
  socket.on('error', () => {}); // a reset by the client: the socket closes
});

server.listen({ host: addr.slice(0, colon), port: Number(addr.slice(colon + 1)), backlog: 1024 }, () => {
  const { address, port } = server.address();
  console.log(`listening on ${address}:${port}`);
});
