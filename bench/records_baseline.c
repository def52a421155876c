// The fastest record generator this machine can run beside `flowtest-agent records`: a minimal C
// program that writes the same CSV columns (RFC 3339 times with nanoseconds, IPv4 5-tuple,
// protocol, flags, packets, bytes, pattern) with hand-written formatting into a 1 MiB buffer.
// It draws one pattern of fixed ports and uniform sizes: less work per record than FlowTest's
// weighted patterns and subnets, so the ratio is conservative.
//
//   records_baseline COUNT > /dev/null      prints "records/s" on stderr
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static uint64_t state = 42;
static inline uint64_t next(void) {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static inline uint64_t draw(uint64_t low, uint64_t high) {
    return low + (uint64_t)(((unsigned __int128)next() * (high - low + 1)) >> 64);
}

static char buffer[1 << 20];
static size_t used;
static char pairs[200];

static inline void flush_if_full(void) {
    if (used > sizeof buffer - 512) {
        if (write(1, buffer, used) < 0) exit(1);
        used = 0;
    }
}
static inline void decimal(uint64_t value) {
    char scratch[24];
    int position = 24;
    while (value >= 100) { position -= 2; memcpy(scratch + position, pairs + (value % 100) * 2, 2); value /= 100; }
    if (value >= 10) { position -= 2; memcpy(scratch + position, pairs + value * 2, 2); }
    else scratch[--position] = (char)('0' + value);
    memcpy(buffer + used, scratch + position, 24 - position);
    used += 24 - position;
}
static inline void padded(uint64_t value, int digits) {
    for (int i = digits - 1; i >= 0; i--) { buffer[used + i] = (char)('0' + value % 10); value /= 10; }
    used += digits;
}
static inline void timestamp(int64_t ns) {
    // The date once per day (gmtime), the time of day by hand: as FlowTest does it.
    int64_t seconds = ns / 1000000000;
    int64_t day = seconds / 86400, of_day = seconds % 86400;
    static int64_t cached = -1;
    static char date[12];
    if (day != cached) {
        time_t midnight = (time_t)(day * 86400);
        struct tm tm;
        gmtime_r(&midnight, &tm);
        strftime(date, sizeof date, "%Y-%m-%dT", &tm);
        cached = day;
    }
    memcpy(buffer + used, date, 11);
    used += 11;
    memcpy(buffer + used, pairs + (of_day / 3600) * 2, 2); buffer[used + 2] = ':';
    memcpy(buffer + used + 3, pairs + (of_day / 60 % 60) * 2, 2); buffer[used + 5] = ':';
    memcpy(buffer + used + 6, pairs + (of_day % 60) * 2, 2); buffer[used + 8] = '.';
    used += 9;
    padded((uint64_t)(ns % 1000000000), 9);
    buffer[used++] = 'Z';
}
static inline void ipv4(uint32_t address) {
    for (int shift = 24; shift >= 0; shift -= 8) {
        decimal((address >> shift) & 0xFF);
        if (shift) buffer[used++] = '.';
    }
}

int main(int argc, char **argv) {
    if (argc != 2) { fprintf(stderr, "usage: records_baseline COUNT\n"); return 2; }
    long count = atol(argv[1]);
    for (int i = 0; i < 100; i++) { pairs[2 * i] = (char)('0' + i / 10); pairs[2 * i + 1] = (char)('0' + i % 10); }
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    int64_t clock = 1796083200000000000ll;  // 2026-12-01T00:00:00Z
    uint64_t remainder = 0, bandwidth = 40000000000ull;
    const char header[] = "ts,te,td,sa,da,sp,dp,pr,flg,ipkt,ibyt,pattern\n";
    memcpy(buffer, header, sizeof header - 1);
    used = sizeof header - 1;
    for (long i = 0; i < count; i++) {
        flush_if_full();
        uint64_t packets = draw(8, 400), bytes = packets * draw(64, 1500), ms = draw(50, 30000);
        timestamp(clock); buffer[used++] = ',';
        timestamp(clock + (int64_t)ms * 1000000); buffer[used++] = ',';
        decimal(ms / 1000); buffer[used++] = '.'; padded(ms % 1000, 3); buffer[used++] = ',';
        ipv4(0x0A000000u | (uint32_t)(next() & 0xFFFF)); buffer[used++] = ',';
        ipv4(0xC0A80000u | (uint32_t)(next() & 0xFF)); buffer[used++] = ',';
        decimal(draw(32768, 60999)); buffer[used++] = ',';
        decimal(next() & 1 ? 443 : 80); buffer[used++] = ',';
        memcpy(buffer + used, "6,27,", 5); used += 5;
        decimal(packets); buffer[used++] = ',';
        decimal(bytes); buffer[used++] = ',';
        memcpy(buffer + used, "web\n", 4); used += 4;
        uint64_t bits = bytes * 8000000000ull + remainder;
        clock += (int64_t)(bits / bandwidth);
        remainder = bits % bandwidth;
    }
    if (write(1, buffer, used) < 0) return 1;
    clock_gettime(CLOCK_MONOTONIC, &end);
    double seconds = (end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9;
    fprintf(stderr, "records_baseline: %ld records in %.3f s, %.0f records/s\n", count, seconds, count / seconds);
    return 0;
}
