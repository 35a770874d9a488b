/* Echo in C on epoll, one thread, level-triggered: the floor that the
 * kit's styles and the frameworks are measured against.
 *
 * Every socket is non-blocking. A connection echoes what it read before it
 * reads again: if the kernel takes only part of it, the rest waits in the
 * connection's buffer, the fd is watched for EPOLLOUT instead of EPOLLIN,
 * and reading resumes once the buffer is empty. So a client that sends
 * without reading is held back, and no byte is lost or reordered.
 *
 * usage: c_epoll_echo HOST:PORT   (port 0: a free one)
 */
#define _GNU_SOURCE /* accept4 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

enum { BUFFER = 65536, MAX_EVENTS = 256 };

struct conn {
	int fd;
	size_t start, end; /* buf[start:end] is read but not yet written back */
	char buf[BUFFER];
};

static int epfd;

static void fail(const char *what)
{
	perror(what);
	exit(1);
}

static void watch(struct conn *c, int op, unsigned events)
{
	struct epoll_event ev = {.events = events, .data.ptr = c};
	if (epoll_ctl(epfd, op, c->fd, &ev) < 0)
		fail("epoll_ctl");
}

/* close drops the fd from the epoll set too: no other fd shares its file. */
static void drop(struct conn *c)
{
	close(c->fd);
	free(c);
}

/* flush writes what is pending: 0 once all of it is written, 1 if the
 * kernel took only part, -1 if the connection failed. */
static int flush(struct conn *c)
{
	while (c->start < c->end) {
		ssize_t n = write(c->fd, c->buf + c->start, c->end - c->start);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN ? 1 : -1;
		c->start += (size_t)n;
	}
	c->start = c->end = 0;
	return 0;
}

static void on_readable(struct conn *c)
{
	ssize_t n = read(c->fd, c->buf, BUFFER);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) { /* end of file, or an error such as a reset */
		drop(c);
		return;
	}
	c->start = 0;
	c->end = (size_t)n;
	int left = flush(c);
	if (left < 0)
		drop(c);
	else if (left > 0)
		watch(c, EPOLL_CTL_MOD, EPOLLOUT);
}

static void on_writable(struct conn *c)
{
	int left = flush(c);
	if (left < 0)
		drop(c);
	else if (left == 0)
		watch(c, EPOLL_CTL_MOD, EPOLLIN);
}

static void accept_all(int listener)
{
	int fd, one = 1;
	while ((fd = accept4(listener, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		struct conn *c = malloc(sizeof *c);
		if (c == NULL)
			fail("malloc");
		c->fd = fd;
		c->start = c->end = 0;
		watch(c, EPOLL_CTL_ADD, EPOLLIN);
	}
}

static int listen_on(const char *addr)
{
	char host[64];
	const char *colon = strrchr(addr, ':');
	if (colon == NULL || colon - addr >= (long)sizeof host) {
		fprintf(stderr, "c_epoll_echo: bad address %s (want HOST:PORT)\n", addr);
		exit(2);
	}
	memcpy(host, addr, colon - addr);
	host[colon - addr] = 0;
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(atoi(colon + 1))};
	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
		fprintf(stderr, "c_epoll_echo: bad host %s (want an IPv4 address)\n", host);
		exit(2);
	}
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), one = 1;
	if (fd < 0)
		fail("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0)
		fail("bind");
	if (listen(fd, 1024) < 0)
		fail("listen");
	socklen_t len = sizeof sa;
	getsockname(fd, (struct sockaddr *)&sa, &len);
	printf("listening on %s:%d\n", host, ntohs(sa.sin_port));
	fflush(stdout);
	return fd;
}

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN); /* a write to a reset connection fails with EPIPE instead */
	int listener = listen_on(argc > 1 ? argv[1] : "127.0.0.1:8000");
	if ((epfd = epoll_create1(0)) < 0)
		fail("epoll_create1");
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL}; /* NULL: the listener */
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, listener, &ev) < 0)
		fail("epoll_ctl");

	/* Wait; accept every connection that is waiting; echo what arrived. */
	struct epoll_event ready[MAX_EVENTS];
	for (;;) {
		int n = epoll_wait(epfd, ready, MAX_EVENTS, -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			fail("epoll_wait");
		for (int i = 0; i < n; i++) {
			struct conn *c = ready[i].data.ptr;
			if (c == NULL)
				accept_all(listener);
			else if (ready[i].events & EPOLLOUT)
				on_writable(c);
			else /* EPOLLIN, or EPOLLHUP and EPOLLERR, which read then reports */
				on_readable(c);
		}
	}
}
