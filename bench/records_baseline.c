// The fastest record generator this machine can run beside `flowtest-agent records`: a minimal C
// program that writes the same CSV columns (RFC 3339 times with nanoseconds, IPv4 5-tuple,
// protocol, flags, packets, bytes, pattern) with hand-written formatting into a 1 MiB buffer, using
// the tricks FlowTest's formatter uses (eight digits at once in a register, octet-and-dot words,
// the RFC 3339 "YYYY-MM-DDTHH:" cached per hour for starts and for ends, word stores).
// It draws one pattern of fixed ports and uniform sizes: less work per record than FlowTest's
// weighted patterns and subnets, so the ratio is conservative.
//
//   records_baseline COUNT > /dev/null      prints "records/s" on stderr
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
static char *out;  // the cursor
// Where the buffer is written out: when it is full, or, into a pipe, once a pipe's worth is
// ready (writes larger than the pipe block halfway and the data goes cold between the halves).
static size_t limit = sizeof buffer;
static uint16_t pairs[100];
static uint64_t octets[256];  // digits and a dot, the digits' count in the top byte

static inline void flush_if_full(void) {
    if (out > buffer + limit - 512) {
        if (write(1, buffer, (size_t)(out - buffer)) < 0) exit(1);
        out = buffer;
    }
}
static inline void word(uint64_t value, int length) { memcpy(out, &value, 8); out += length; }
// Eight digit values (0-9) of v < 10^8, the most significant in the lowest byte: both halves of
// four digits split at once in one register, as FlowTest's RecordCursor does.
static inline uint64_t eight_digit_values(uint64_t v) {
    uint64_t high = v / 10000, lanes = high | (v - high * 10000) << 32;
    uint64_t q = ((lanes * 10486) >> 20) & 0x0000007F0000007Full;
    lanes = q | (lanes - q * 100) << 16;
    q = ((lanes * 103) >> 10) & 0x000F000F000F000Full;
    return q | (lanes - q * 10) << 8;
}
static inline void eight_digits(uint64_t v) { word(eight_digit_values(v) | 0x3030303030303030ull, 8); }
static inline void decimal(uint64_t value) {  // below 10^16 here
    uint64_t high = value;
    if (value >= 100000000) high = value / 100000000;
    uint64_t digits = eight_digit_values(high);
    int skipped = digits ? __builtin_ctzll(digits) >> 3 : 7;
    word((digits | 0x3030303030303030ull) >> (skipped * 8), 8 - skipped);
    if (value >= 100000000) eight_digits(value - high * 100000000);
}
static inline void timestamp(int64_t ns, int slot) {
    // "YYYY-MM-DDTHH:" once per hour per slot (starts, ends; gmtime), the rest by hand: as FlowTest does it.
    static int64_t cached[2] = {-1, -1};
    static char prefix[2][16];
    uint64_t total = (uint64_t)ns, second = total / 1000000000, fraction = total - second * 1000000000;
    uint64_t hour = second / 3600;
    if ((int64_t)hour != cached[slot]) {
        time_t start = (time_t)(hour * 3600);
        struct tm tm;
        gmtime_r(&start, &tm);
        strftime(prefix[slot], 16, "%Y-%m-%dT%H:", &tm);
        cached[slot] = (int64_t)hour;
    }
    memcpy(out, prefix[slot], 16);
    out += 14;
    uint64_t of_hour = second - hour * 3600, minute = of_hour / 60, sec = of_hour - minute * 60;
    word((uint64_t)pairs[minute] | 58ull << 16 | (uint64_t)pairs[sec] << 24 | 46ull << 40, 6);
    uint64_t tenths = fraction / 100000000;
    *out++ = (char)('0' + tenths);
    eight_digits(fraction - tenths * 100000000);
    *out++ = 'Z';
}
static inline void ipv4(uint32_t address) {
    uint64_t a = octets[address >> 24], b = octets[address >> 16 & 255], c = octets[address >> 8 & 255], d = octets[address & 255];
    word(a, (int)(a >> 56) + 1); word(b, (int)(b >> 56) + 1); word(c, (int)(c >> 56) + 1); word(d, (int)(d >> 56));
}

int main(int argc, char **argv) {
    if (argc != 2) { fprintf(stderr, "usage: records_baseline COUNT\n"); return 2; }
    long count = atol(argv[1]);
    for (int i = 0; i < 100; i++) pairs[i] = (uint16_t)(('0' + i / 10) | ('0' + i % 10) << 8);
    for (int i = 0; i < 256; i++) {
        char text[8];
        int length = snprintf(text, sizeof text, "%d.", i);
        uint64_t w = (uint64_t)(length - 1) << 56;
        for (int k = 0; k < length; k++) w |= (uint64_t)(unsigned char)text[k] << (8 * k);
        octets[i] = w;
    }
    struct stat stdout_stat;
    if (fstat(1, &stdout_stat) == 0 && S_ISFIFO(stdout_stat.st_mode)) {
        int pipe_size = fcntl(1, F_GETPIPE_SZ);
        if (pipe_size >= 4096 && (size_t)pipe_size < sizeof buffer) limit = (size_t)pipe_size;
    }
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    int64_t clock = 1796083200000000000ll;  // 2026-12-01T00:00:00Z
    uint64_t remainder = 0, bandwidth = 40000000000ull;
    const char header[] = "ts,te,td,sa,da,sp,dp,pr,flg,ipkt,ibyt,pattern\n";
    memcpy(buffer, header, sizeof header - 1);
    out = buffer + sizeof header - 1;
    for (long i = 0; i < count; i++) {
        flush_if_full();
        uint64_t packets = draw(8, 400), bytes = packets * draw(64, 1500), ms = draw(50, 30000);
        timestamp(clock, 0); *out++ = ',';
        timestamp(clock + (int64_t)ms * 1000000, 1); *out++ = ',';
        uint64_t whole = ms / 1000, thousandths = ms - whole * 1000, hundreds = thousandths / 100;
        decimal(whole);
        word(46 | ('0' + hundreds) << 8 | (uint64_t)pairs[thousandths - hundreds * 100] << 16 | 44ull << 32, 5);
        ipv4(0x0A000000u | (uint32_t)(next() & 0xFFFF)); *out++ = ',';
        ipv4(0xC0A80000u | (uint32_t)(next() & 0xFF)); *out++ = ',';
        decimal(draw(32768, 60999)); *out++ = ',';
        if (next() & 1) word(0x2C333434, 4); else word(0x2C3038, 3);  // "443," or "80,"
        memcpy(out, "6,27,", 5); out += 5;
        decimal(packets); *out++ = ',';
        decimal(bytes); *out++ = ',';
        memcpy(out, "web\n", 4); out += 4;
        uint64_t bits = bytes * 8000000000ull + remainder;
        clock += (int64_t)(bits / bandwidth);
        remainder = bits % bandwidth;
    }
    if (write(1, buffer, (size_t)(out - buffer)) < 0) return 1;
    clock_gettime(CLOCK_MONOTONIC, &end);
    double seconds = (end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9;
    fprintf(stderr, "records_baseline: %ld records in %.3f s, %.0f records/s\n", count, seconds, count / seconds);
    return 0;
}
