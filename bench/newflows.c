// The kernel's own limit for new TCP flows on this machine: the anchor bench/run.sh measures
// FlowTest's new-flow rate against, in the same run.
//
// Each flow does what a FlowTest flow of the new-flow step does: connect, send 64 bytes, read the
// 64-byte echo, close (the client closes first, so TIME_WAIT sits on the client side, as it does
// for the generator). Nothing is done per flow that the kernel does not need.
//
//   newflows server PORT...                    epoll echo, one thread per core (SO_REUSEPORT)
//   newflows client HOST THREADS SECONDS PORT...  blocking clients, round-robin over PORTs
//
// The client prints one JSON line: {"flows":N,"failed":N,"seconds":S,"perSecond":R,"minPerSecond":M,"errors":{...}}
// (M: the slowest whole second).
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

enum { MESSAGE = 64, MAX_PORTS = 64, MAX_ERRNO = 256 };

static int ports[MAX_PORTS];
static int port_count;
static struct in_addr host;
static double seconds;
static atomic_long flows, failed;
static atomic_long errors[MAX_ERRNO];
// Flows completed in each whole second since the start, for the slowest second: the anchor's own
// seconds dip as FlowTest's do, and bench/newflows.py reports both.
#define MAX_SECONDS 3600
static atomic_long per_second[MAX_SECONDS];
static double started_at;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void *serve(void *unused) {
    (void)unused;
    int ep = epoll_create1(0);
    for (int i = 0; i < port_count; i++) {
        int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), one = 1;
        setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        setsockopt(s, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(ports[i]), .sin_addr = host};
        if (bind(s, (struct sockaddr *)&a, sizeof a) || listen(s, 4096)) { perror("server: bind/listen"); exit(1); }
        // The listening sockets are told apart from connections by a tag in the high bit.
        struct epoll_event e = {.events = EPOLLIN, .data.u64 = (1ULL << 63) | (unsigned)s};
        epoll_ctl(ep, EPOLL_CTL_ADD, s, &e);
    }
    struct epoll_event events[256];
    char buffer[4096];
    for (;;) {
        int n = epoll_wait(ep, events, 256, -1);
        for (int i = 0; i < n; i++) {
            if (events[i].data.u64 >> 63) {
                int listener = (int)(events[i].data.u64 & 0xffffffff), c;
                while ((c = accept4(listener, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
                    struct epoll_event e = {.events = EPOLLIN, .data.u64 = (unsigned)c};
                    epoll_ctl(ep, EPOLL_CTL_ADD, c, &e);
                }
                continue;
            }
            int c = (int)events[i].data.u64;
            ssize_t got = read(c, buffer, sizeof buffer);
            if (got > 0) {
                if (write(c, buffer, (size_t)got) < 0) close(c);
            } else if (got == 0 || errno != EAGAIN) {
                close(c);  // closing removes it from the epoll set
            }
        }
    }
    return NULL;
}

static void *dial(void *index) {
    long next = (long)index;
    char message[MESSAGE], echo[MESSAGE];
    memset(message, 'x', sizeof message);
    double end = now() + seconds;
    while (now() < end) {
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(ports[next++ % port_count]), .sin_addr = host};
        int s = socket(AF_INET, SOCK_STREAM, 0), code = 0;
        if (s < 0) code = errno;
        else if (connect(s, (struct sockaddr *)&a, sizeof a)) code = errno;
        else if (write(s, message, sizeof message) != MESSAGE) code = errno ? errno : EIO;
        else {
            size_t have = 0;
            while (have < MESSAGE) {
                ssize_t got = read(s, echo + have, MESSAGE - have);
                if (got <= 0) { code = got == 0 ? EPIPE : errno; break; }
                have += (size_t)got;
            }
        }
        if (s >= 0) close(s);
        if (code) {
            atomic_fetch_add(&failed, 1);
            atomic_fetch_add(&errors[code < MAX_ERRNO ? code : 0], 1);
        } else {
            atomic_fetch_add(&flows, 1);
            long second = (long)(now() - started_at);
            if (second >= 0 && second < MAX_SECONDS) atomic_fetch_add(&per_second[second], 1);
        }
    }
    return NULL;
}

static int parse_ports(int argc, char **argv) {
    for (int i = 0; i < argc && port_count < MAX_PORTS; i++) ports[port_count++] = atoi(argv[i]);
    return port_count > 0;
}

int main(int argc, char **argv) {
    signal(SIGPIPE, SIG_IGN);
    host.s_addr = htonl(INADDR_LOOPBACK);
    if (argc >= 3 && !strcmp(argv[1], "server") && parse_ports(argc - 2, argv + 2)) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        pthread_t threads[64];
        for (long i = 0; i < cores && i < 64; i++) pthread_create(&threads[i], NULL, serve, NULL);
        pthread_join(threads[0], NULL);
        return 0;
    }
    if (argc >= 6 && !strcmp(argv[1], "client") && inet_pton(AF_INET, argv[2], &host) == 1 && parse_ports(argc - 5, argv + 5)) {
        long count = atol(argv[3]);
        seconds = atof(argv[4]);
        if (count < 1 || count > 64 || seconds <= 0) { fprintf(stderr, "client: THREADS is 1-64, SECONDS > 0\n"); return 2; }
        pthread_t threads[64];
        double start = now();
        started_at = start;
        for (long i = 0; i < count; i++) pthread_create(&threads[i], NULL, dial, (void *)i);
        for (long i = 0; i < count; i++) pthread_join(threads[i], NULL);
        double elapsed = now() - start;
        long slowest = -1;  // over whole seconds only; -1 when the run was shorter than one
        for (long i = 0; i < (long)elapsed && i < MAX_SECONDS; i++) {
            long n = atomic_load(&per_second[i]);
            if (slowest < 0 || n < slowest) slowest = n;
        }
        printf("{\"flows\":%ld,\"failed\":%ld,\"seconds\":%.3f,\"perSecond\":%.0f,\"minPerSecond\":%ld,\"errors\":{", atomic_load(&flows),
               atomic_load(&failed), elapsed, atomic_load(&flows) / elapsed, slowest);
        const char *separator = "";
        for (int e = 0; e < MAX_ERRNO; e++) {
            long n = atomic_load(&errors[e]);
            if (n) { printf("%s\"%s\":%ld", separator, e ? strerror(e) : "other", n); separator = ","; }
        }
        printf("}}\n");
        return 0;
    }
    fprintf(stderr, "usage: newflows server PORT... | newflows client HOST THREADS SECONDS PORT...\n");
    return 2;
}
