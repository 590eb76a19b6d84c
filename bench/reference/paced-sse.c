/* The streams rows' reference: the least a server can do to send the same SSE frames on the same
 * schedule. One thread, epoll, no parsing beyond finding a request's end, the frames read from a
 * file once; each connection's frames are due at start + k * interval (never from the last
 * write), and one queue holds the connections in due order (every interval is the same, so a
 * connection served goes to the back). A frame is one write() of one chunk, as Understudy sends it.
 *
 *   cc -O2 -o paced-sse bench/reference/paced-sse.c
 *   paced-sse PORT INTERVAL_MS FRAMES_FILE     (FRAMES_FILE: the SSE body, frames ending "\n\n")
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { MAX_FRAMES = 4096, MAX_CONNECTIONS = 65536, READ_BUFFER = 8192 };

static char *frames[MAX_FRAMES];   /* each frame as a chunk: hex size, CRLF, bytes, CRLF */
static size_t frame_sizes[MAX_FRAMES];
static int frame_count;
static const char head[] = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream; charset=utf-8\r\n"
                           "transfer-encoding: chunked\r\ncache-control: no-cache\r\n\r\n";

struct connection {
    int fd, next_frame, queued;      /* next_frame < 0: reading a request */
    long long start, due;            /* nanoseconds */
    size_t have;
    char request[READ_BUFFER];
    struct connection *next;         /* in the due queue */
};
static struct connection *queue_head, *queue_tail;

static long long now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void enqueue(struct connection *c) {
    c->next = NULL;
    c->queued = 1;
    if (queue_tail) queue_tail->next = c; else queue_head = c;
    queue_tail = c;
}

static void load_frames(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); exit(2); }
    static char body[1 << 22];
    size_t n = fread(body, 1, sizeof body - 1, f);
    fclose(f);
    body[n] = 0;
    for (char *p = body; *p && frame_count < MAX_FRAMES;) {
        char *end = strstr(p, "\n\n");
        if (!end) break;
        size_t size = (size_t)(end + 2 - p);
        frames[frame_count] = malloc(size + 32);
        int prefix = sprintf(frames[frame_count], "%zx\r\n", size);
        memcpy(frames[frame_count] + prefix, p, size);
        memcpy(frames[frame_count] + prefix + size, "\r\n", 2);
        frame_sizes[frame_count++] = prefix + size + 2;
        p = end + 2;
    }
    if (frame_count == 0) { fprintf(stderr, "%s: no frames\n", path); exit(2); }
}

/* A whole request read (head and its content-length body)? */
static int request_complete(struct connection *c) {
    c->request[c->have] = 0;
    char *end = strstr(c->request, "\r\n\r\n");
    if (!end) return 0;
    size_t length = 0;
    char *cl = strcasestr(c->request, "\r\ncontent-length:");
    if (cl && cl < end) length = strtoul(cl + 17, NULL, 10);
    return c->have >= (size_t)(end + 4 - c->request) + length;
}

static void send_all(struct connection *c, const char *bytes, size_t size) {
    while (size > 0) {
        ssize_t n = write(c->fd, bytes, size);
        if (n > 0) { bytes += n; size -= (size_t)n; continue; }
        if (n < 0 && errno == EINTR) continue;
        return;  /* a client that stopped reading: the frame is lost (counted by the client's timing) */
    }
}

int main(int argc, char **argv) {
    if (argc != 4) { fprintf(stderr, "usage: paced-sse PORT INTERVAL_MS FRAMES_FILE\n"); return 2; }
    long long interval = atoll(argv[2]) * 1000000LL;
    load_frames(argv[3]);
    int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), one = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    setsockopt(listener, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);  /* one process per core */
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[1]))};
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(listener, (struct sockaddr *)&address, sizeof address) || listen(listener, 4096)) { perror("bind"); return 2; }
    int poll = epoll_create1(0);
    struct epoll_event event = {.events = EPOLLIN, .data.ptr = NULL};
    epoll_ctl(poll, EPOLL_CTL_ADD, listener, &event);
    static struct epoll_event ready[1024];
    for (;;) {
        int timeout = -1;
        if (queue_head) {
            long long wait = queue_head->due - now();
            timeout = wait <= 0 ? 0 : (int)((wait + 999999) / 1000000);
        }
        int n = epoll_wait(poll, ready, 1024, timeout);
        for (int i = 0; i < n; i++) {
            struct connection *c = ready[i].data.ptr;
            if (!c) {
                int fd;
                while ((fd = accept4(listener, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
                    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    c = calloc(1, sizeof *c);
                    c->fd = fd;
                    c->next_frame = -1;
                    struct epoll_event e = {.events = EPOLLIN, .data.ptr = c};
                    epoll_ctl(poll, EPOLL_CTL_ADD, fd, &e);
                }
                continue;
            }
            ssize_t got = read(c->fd, c->request + c->have, READ_BUFFER - 1 - c->have);
            if (got == 0 || (got < 0 && errno != EAGAIN && errno != EINTR)) {
                epoll_ctl(poll, EPOLL_CTL_DEL, c->fd, NULL);
                close(c->fd);
                c->fd = -1;  /* freed when it leaves the queue, if queued */
                if (!c->queued) free(c);
                continue;
            }
            if (got > 0) c->have += (size_t)got;
            if (c->next_frame < 0 && request_complete(c)) {
                /* The head and the first frame now; the next is due an interval on, which is no
                 * earlier than any queued connection's (each was due at most an interval after
                 * it was last served), so the queue stays in due order. */
                c->have = 0;
                c->start = now();
                send_all(c, head, sizeof head - 1);
                send_all(c, frames[0], frame_sizes[0]);
                c->next_frame = 1;
                c->due = c->start + interval;
                if (frame_count == 1) {
                    send_all(c, "0\r\n\r\n", 5);
                    c->next_frame = -1;
                } else if (!c->queued) {
                    enqueue(c);
                }
            }
        }
        long long t = now();
        while (queue_head && queue_head->due <= t) {
            struct connection *c = queue_head;
            queue_head = c->next;
            if (!queue_head) queue_tail = NULL;
            c->queued = 0;
            if (c->fd < 0) { free(c); continue; }
            /* Every frame of this connection due by now leaves in one write, as Understudy's do
             * when a tick comes late. */
            static char batch[1 << 16];
            size_t size = 0;
            do {
                memcpy(batch + size, frames[c->next_frame], frame_sizes[c->next_frame]);
                size += frame_sizes[c->next_frame];
                c->next_frame++;
                c->due = c->start + c->next_frame * interval;
            } while (c->next_frame < frame_count && c->due <= t && size + frame_sizes[c->next_frame] + 5 <= sizeof batch);
            if (c->next_frame < frame_count) {
                send_all(c, batch, size);
                enqueue(c);
            } else {
                memcpy(batch + size, "0\r\n\r\n", 5);
                send_all(c, batch, size + 5);
                c->next_frame = -1;  /* keep-alive: the next request */
            }
        }
    }
}
