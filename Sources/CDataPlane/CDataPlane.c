#define _GNU_SOURCE
#include "CDataPlane.h"
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <pthread.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

const uint32_t cdp_epollin = EPOLLIN;
const uint32_t cdp_epollout = EPOLLOUT;
const uint32_t cdp_epollrdhup = EPOLLRDHUP;
const uint32_t cdp_epollhup = EPOLLHUP;
const uint32_t cdp_epollerr = EPOLLERR;
const uint32_t cdp_epollet = EPOLLET;

int cdp_epoll_create(void) { return epoll_create1(EPOLL_CLOEXEC); }

int cdp_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t data) {
    static const int ops[] = {EPOLL_CTL_ADD, EPOLL_CTL_MOD, EPOLL_CTL_DEL};
    struct epoll_event event = {.events = events, .data = {.u64 = data}};
    return epoll_ctl(epfd, ops[op], fd, &event);
}

int cdp_epoll_wait(int epfd, uint32_t *flags, uint64_t *data, int max, int timeout_ms) {
    struct epoll_event events[256];
    if (max > 256) max = 256;
    int count = epoll_wait(epfd, events, max, timeout_ms);
    for (int i = 0; i < count; i++) {
        flags[i] = events[i].events;
        data[i] = events[i].data.u64;
    }
    return count;
}

int cdp_eventfd(void) { return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC); }

void cdp_set_thread_name(const char *name) { pthread_setname_np(pthread_self(), name); }

int cdp_accept(int fd) { return accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC); }

int cdp_recv_batch(int fd, uint8_t *buffers, size_t stride, int count,
                   struct sockaddr_storage *addresses, uint32_t *address_lengths, uint32_t *lengths,
                   uint8_t *controls, size_t control_stride, uint32_t *control_lengths) {
    struct mmsghdr messages[64];
    struct iovec vectors[64];
    if (count > 64) count = 64;
    memset(messages, 0, sizeof(struct mmsghdr) * (size_t)count);
    for (int i = 0; i < count; i++) {
        vectors[i].iov_base = buffers + (size_t)i * stride;
        vectors[i].iov_len = stride;
        messages[i].msg_hdr.msg_iov = &vectors[i];
        messages[i].msg_hdr.msg_iovlen = 1;
        messages[i].msg_hdr.msg_name = &addresses[i];
        messages[i].msg_hdr.msg_namelen = sizeof(struct sockaddr_storage);
        if (controls) {
            messages[i].msg_hdr.msg_control = controls + (size_t)i * control_stride;
            messages[i].msg_hdr.msg_controllen = control_stride;
        }
    }
    int received = recvmmsg(fd, messages, (unsigned)count, MSG_DONTWAIT, NULL);
    for (int i = 0; i < received; i++) {
        lengths[i] = messages[i].msg_len;
        address_lengths[i] = messages[i].msg_hdr.msg_namelen;
        if (controls) control_lengths[i] = (uint32_t)messages[i].msg_hdr.msg_controllen;
    }
    return received;
}

int cdp_send_batch(int fd, const uint8_t *buffers, size_t stride, int count,
                   const struct sockaddr_storage *addresses, const uint32_t *address_lengths, const uint32_t *lengths) {
    struct mmsghdr messages[64];
    struct iovec vectors[64];
    if (count > 64) count = 64;
    memset(messages, 0, sizeof(struct mmsghdr) * (size_t)count);
    for (int i = 0; i < count; i++) {
        vectors[i].iov_base = (void *)(buffers + (size_t)i * stride);
        vectors[i].iov_len = lengths[i];
        messages[i].msg_hdr.msg_iov = &vectors[i];
        messages[i].msg_hdr.msg_iovlen = 1;
        messages[i].msg_hdr.msg_name = (void *)&addresses[i];
        messages[i].msg_hdr.msg_namelen = address_lengths[i];
    }
    return sendmmsg(fd, messages, (unsigned)count, MSG_DONTWAIT);
}

uint32_t cdp_tcp_total_retransmits(int fd) {
    struct tcp_info info;
    socklen_t length = sizeof(info);
    memset(&info, 0, sizeof(info));
    if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &length) != 0) return 0;
    return info.tcpi_total_retrans;
}
