// The kernel's own limit for echoed UDP datagrams on this machine: the anchor bench/echo.sh
// measures FlowTest's echo against, in the same run (issue 26).
//
//   udpecho server PORT                       a blocking recvfrom/sendto thread per core, each on
//                                             its own SO_REUSEPORT socket
//   udpecho client HOST PORT FLOWS SECONDS    FLOWS connected sockets over one epoll, each
//                                             ping-ponging 64-byte datagrams back to back
//   udpecho rtt HOST PORT SECONDS             one socket, blocking, 64-byte ping-pong: the round
//                                             trip's p50 and p99 ({"p50":µs,"p99":µs,"count":N})
//
// The client prints one JSON line: {"datagrams":N,"seconds":S,"perSecond":R,"flows":F,"resent":N}.
// A datagram lost on the way is sent again after 200 ms of silence on its socket ("resent").
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

enum { MESSAGE = 64 };

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void *serve(void *argument) {
    int port = *(int *)argument;
    int fd = socket(AF_INET, SOCK_DGRAM, 0), one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_ANY)};
    if (bind(fd, (struct sockaddr *)&address, sizeof address) != 0) { perror("bind"); exit(1); }
    char buffer[65536];
    for (;;) {
        struct sockaddr_storage source;
        socklen_t length = sizeof source;
        ssize_t received = recvfrom(fd, buffer, sizeof buffer, 0, (struct sockaddr *)&source, &length);
        if (received >= 0) sendto(fd, buffer, (size_t)received, 0, (struct sockaddr *)&source, length);
    }
    return NULL;
}

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int rtt(const char *host, int port, double seconds) {
    struct sockaddr_in target = {.sin_family = AF_INET, .sin_port = htons(port)};
    inet_pton(AF_INET, host, &target.sin_addr);
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct timeval timeout = {.tv_sec = 0, .tv_usec = 200000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    if (connect(fd, (struct sockaddr *)&target, sizeof target) != 0) { perror("connect"); return 1; }
    size_t capacity = 1 << 22, count = 0;
    double *samples = malloc(capacity * sizeof(double));
    char message[MESSAGE] = {0}, buffer[65536];
    double end = now() + seconds;
    while (count < capacity) {
        double sent = now();
        if (sent > end) break;
        send(fd, message, MESSAGE, 0);
        if (recv(fd, buffer, sizeof buffer, 0) > 0) samples[count++] = (now() - sent) * 1e6;
    }
    qsort(samples, count, sizeof(double), compare);
    printf("{\"p50\":%.1f,\"p99\":%.1f,\"count\":%zu}\n", count ? samples[count / 2] : 0, count ? samples[count * 99 / 100] : 0, count);
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 5 && strcmp(argv[1], "rtt") == 0) return rtt(argv[2], atoi(argv[3]), atof(argv[4]));
    if (argc == 3 && strcmp(argv[1], "server") == 0) {
        static int port;
        port = atoi(argv[2]);
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        pthread_t thread;
        for (long i = 0; i < cores; i++) pthread_create(&thread, NULL, serve, &port);
        pause();
        return 0;
    }
    if (argc != 6 || strcmp(argv[1], "client") != 0) {
        fprintf(stderr, "usage: udpecho server PORT | udpecho client HOST PORT FLOWS SECONDS | udpecho rtt HOST PORT SECONDS\n");
        return 2;
    }
    int flows = atoi(argv[4]);
    double seconds = atof(argv[5]);
    struct sockaddr_in target = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[3]))};
    inet_pton(AF_INET, argv[2], &target.sin_addr);
    int epoll = epoll_create1(0);
    int *sockets = calloc((size_t)flows, sizeof(int));
    double *sent = calloc((size_t)flows, sizeof(double));
    char message[MESSAGE] = {0}, buffer[65536];
    for (int i = 0; i < flows; i++) {
        sockets[i] = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
        if (connect(sockets[i], (struct sockaddr *)&target, sizeof target) != 0) { perror("connect"); return 1; }
        struct epoll_event event = {.events = EPOLLIN, .data.u32 = (uint32_t)i};
        epoll_ctl(epoll, EPOLL_CTL_ADD, sockets[i], &event);
    }
    double start = now(), end = start + seconds, last = start;
    for (int i = 0; i < flows; i++) { send(sockets[i], message, MESSAGE, 0); sent[i] = start; }
    unsigned long long datagrams = 0, resent = 0;
    struct epoll_event events[256];
    while (now() < end) {
        int count = epoll_wait(epoll, events, 256, 50);
        double t = now();
        for (int e = 0; e < count; e++) {
            int i = (int)events[e].data.u32;
            while (recv(sockets[i], buffer, sizeof buffer, 0) > 0) {
                datagrams++;
                send(sockets[i], message, MESSAGE, 0);
                sent[i] = t;
            }
        }
        if (t - last > 0.1) {
            for (int i = 0; i < flows; i++) {
                if (t - sent[i] > 0.2) { send(sockets[i], message, MESSAGE, 0); sent[i] = t; resent++; }
            }
            last = t;
        }
    }
    double elapsed = now() - start;
    printf("{\"datagrams\":%llu,\"seconds\":%.3f,\"perSecond\":%.0f,\"flows\":%d,\"resent\":%llu}\n", datagrams, elapsed, datagrams / elapsed, flows, resent);
    return 0;
}
