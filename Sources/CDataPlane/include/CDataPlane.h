// What the data plane needs from Linux that Swift's Glibc module does not give it: epoll, eventfd
// TCP_INFO and the batched datagram calls (recvmmsg/sendmmsg are declared only under _GNU_SOURCE, and
// struct epoll_event is packed on x86-64, which Swift cannot lay out). Small wrappers, no logic.
#ifndef CDATAPLANE_H
#define CDATAPLANE_H

#include <stdint.h>
#include <stddef.h>
#include <sys/socket.h>

extern const uint32_t cdp_epollin;
extern const uint32_t cdp_epollout;
extern const uint32_t cdp_epollrdhup;
extern const uint32_t cdp_epollhup;
extern const uint32_t cdp_epollerr;
extern const uint32_t cdp_epollet;

/// epoll_create1(EPOLL_CLOEXEC).
int cdp_epoll_create(void);
/// epoll_ctl with the event's flags and 64 bits of data; op: 0 add, 1 modify, 2 delete.
int cdp_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t data);
/// epoll_wait into two plain arrays (flags, data) of `max` entries; returns the count or -1.
int cdp_epoll_wait(int epfd, uint32_t *flags, uint64_t *data, int max, int timeout_ms);
/// eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC).
int cdp_eventfd(void);

/// Names the calling thread (15 bytes at most), as top -H and perf show it.
void cdp_set_thread_name(const char *name);

/// accept4(SOCK_NONBLOCK | SOCK_CLOEXEC): one call for a ready connection (accept4 is GNU too).
int cdp_accept(int fd);

/// recvmmsg(MSG_DONTWAIT) of up to `count` (at most 64) datagrams into `buffers` (`stride` bytes
/// each), their sources into `addresses` (lengths into `address_lengths`), their sizes into
/// `lengths`; with `controls` (not NULL), each one's ancillary data into `control_stride` bytes
/// there (lengths into `control_lengths`). Returns how many arrived, or -1 with errno.
int cdp_recv_batch(int fd, uint8_t *buffers, size_t stride, int count,
                   struct sockaddr_storage *addresses, uint32_t *address_lengths, uint32_t *lengths,
                   uint8_t *controls, size_t control_stride, uint32_t *control_lengths);
/// sendmmsg(MSG_DONTWAIT) of `count` (at most 64) datagrams: datagram i is `lengths[i]` bytes at
/// `buffers + i * stride`, to `addresses[i]`. Returns how many were sent, or -1 with errno.
int cdp_send_batch(int fd, const uint8_t *buffers, size_t stride, int count,
                   const struct sockaddr_storage *addresses, const uint32_t *address_lengths, const uint32_t *lengths);

/// The segments a TCP socket retransmitted over its life (tcp_info's tcpi_total_retrans, which
/// Glibc's module does not lay out); 0 when the kernel does not say.
uint32_t cdp_tcp_total_retransmits(int fd);

#endif
