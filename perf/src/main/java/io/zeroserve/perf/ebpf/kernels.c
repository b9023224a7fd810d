/*
 * CPU-bound benchmark kernels, compiled twice: with clang -target bpf (run by the zeroserve eBPF runtime) and with
 * gcc -O2 (native baseline, see native_main.c). Every kernel lives in its own section "bench.<name>" in the BPF
 * build. No libc, no floating point (BPF has none), all working memory on the stack (frames <= 8 KiB).
 */
#ifdef __bpf__
typedef unsigned long long u64;
typedef unsigned int u32;
typedef unsigned char u8;
#define KERNEL(name) __attribute__((section("bench." #name))) u64 name(void)
extern u64 bench_nop(u64 x);
#else
#include <stdint.h>
typedef uint64_t u64;
typedef uint32_t u32;
typedef uint8_t u8;
#define KERNEL(name) __attribute__((noinline)) u64 name(void)
__attribute__((noinline)) u64 bench_nop(u64 x) { return x; }
#endif
#define INLINE static inline __attribute__((always_inline))

INLINE u32 xorshift(u32 *s) {
    u32 x = *s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *s = x;
}

static void fill(u8 *buf, u32 n, u32 seed) {
    for (u32 i = 0; i < n; i += 4) {
        u32 v = xorshift(&seed);
        buf[i] = v;
        buf[i + 1] = v >> 8;
        buf[i + 2] = v >> 16;
        buf[i + 3] = v >> 24;
    }
}

KERNEL(empty) { return 0; }

/* 1000 helper calls: the per-call cost of a host helper. */
KERNEL(helpers) {
    u64 acc = 0;
    for (u64 i = 0; i < 1000; i++) acc += bench_nop(i);
    return acc;
}

/* Same loop without the helper call, to subtract loop overhead. */
KERNEL(helpers_baseline) {
    volatile u64 acc = 0;
    for (u64 i = 0; i < 1000; i++) acc += i;
    return acc;
}

/* ---- SHA-256 (FIPS 180-4) over 1 MiB: a 4 KiB buffer hashed 256 times ---- */
static const u32 K256[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static __attribute__((noinline)) void sha256_block(u32 *h, const u8 *p) {
    u32 w[64];
    for (int i = 0; i < 16; i++)
        w[i] = (u32)p[4 * i] << 24 | (u32)p[4 * i + 1] << 16 | (u32)p[4 * i + 2] << 8 | p[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        u32 s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
        u32 s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    u32 a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (int i = 0; i < 64; i++) {
        u32 t1 = hh + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) + ((e & f) ^ (~e & g)) + K256[i] + w[i];
        u32 t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        hh = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
}

KERNEL(sha256) {
    u8 buf[4096];
    u32 h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    fill(buf, sizeof(buf), 0x12345678);
    for (int rep = 0; rep < 256; rep++)
        for (u32 off = 0; off < sizeof(buf); off += 64) sha256_block(h, buf + off);
    return (u64)h[0] << 32 | h[7];
}

/* ---- CRC-32 (IEEE, reflected, table-driven) over 1 MiB ---- */
KERNEL(crc32) {
    u8 buf[4096];
    u32 table[256];
    for (u32 i = 0; i < 256; i++) {
        u32 c = i;
        for (int k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >> 1) : c >> 1;
        table[i] = c;
    }
    fill(buf, sizeof(buf), 0x9e3779b9);
    u32 crc = 0xffffffff;
    for (int rep = 0; rep < 256; rep++)
        for (u32 i = 0; i < sizeof(buf); i++) crc = table[(crc ^ buf[i]) & 0xff] ^ (crc >> 8);
    return crc ^ 0xffffffff;
}

/* ---- Heap sort of 1500 pseudo-random u32, four times ---- */
static void sift(u32 *a, int start, int end) {
    int root = start;
    while (2 * root + 1 <= end) {
        int child = 2 * root + 1;
        if (child + 1 <= end && a[child] < a[child + 1]) child++;
        if (a[root] >= a[child]) return;
        u32 t = a[root]; a[root] = a[child]; a[child] = t;
        root = child;
    }
}

KERNEL(sort) {
    u32 a[1500];
    u64 check = 0;
    for (u32 rep = 0; rep < 4; rep++) {
        u32 seed = 0xdeadbeef + rep;
        for (int i = 0; i < 1500; i++) a[i] = xorshift(&seed);
        for (int start = (1500 - 2) / 2; start >= 0; start--) sift(a, start, 1499);
        for (int end = 1499; end > 0; end--) {
            u32 t = a[0]; a[0] = a[end]; a[end] = t;
            sift(a, 0, end - 1);
        }
        for (int i = 0; i < 1500; i += 97) check = check * 31 + a[i];
    }
    return check;
}

/* ---- JSON tokenizer: counts tokens of a 1.5 KiB document, 64 times ---- */
static const char JSON[] =
    "{\"users\":[{\"id\":1,\"name\":\"Ada Lovelace\",\"email\":\"ada@example.com\",\"roles\":[\"admin\",\"dev\"],"
    "\"active\":true,\"score\":98.5,\"tags\":{\"team\":\"core\",\"floor\":3}},{\"id\":2,\"name\":\"Alan Turing\","
    "\"email\":\"alan@example.com\",\"roles\":[\"dev\"],\"active\":false,\"score\":-12.25e3,\"tags\":null},"
    "{\"id\":3,\"name\":\"Grace \\\"Amazing\\\" Hopper\",\"email\":\"grace@example.com\",\"roles\":[],"
    "\"active\":true,\"score\":1e-3,\"tags\":{\"team\":\"compilers\",\"floor\":12,\"desk\":\"B-12\"}}],"
    "\"meta\":{\"count\":3,\"next\":null,\"generated\":\"2026-11-27T04:00:00Z\",\"limits\":[10,20,50,100],"
    "\"nested\":[[1,2,[3,4,[5,6]]],{\"a\":{\"b\":{\"c\":[true,false,null]}}}],\"unicode\":\"caf\\u00e9\"},"
    "\"log\":[\"start\",\"load\",\"verify\",\"translate\",\"run\",\"stop\",\"start\",\"load\",\"verify\","
    "\"translate\",\"run\",\"stop\"],\"matrix\":[[1,0,0],[0,1,0],[0,0,1]],\"ok\":true}";

static u64 tokenize(const char *s, u32 n) {
    u64 tokens = 0, strings = 0, numbers = 0, literals = 0;
    u32 i = 0;
    while (i < n) {
        char c = s[i];
        if (c == ' ' || c == '\n' || c == '\t' || c == '\r') { i++; continue; }
        if (c == '{' || c == '}' || c == '[' || c == ']' || c == ':' || c == ',') { tokens++; i++; continue; }
        if (c == '"') {
            i++;
            while (i < n && s[i] != '"') i += s[i] == '\\' ? 2 : 1;
            i++;
            strings++;
            continue;
        }
        if (c == '-' || (c >= '0' && c <= '9')) {
            i++;
            while (i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.' || s[i] == 'e' || s[i] == 'E'
                             || s[i] == '+' || s[i] == '-')) i++;
            numbers++;
            continue;
        }
        if (c == 't' || c == 'n') { i += 4; literals++; continue; }
        if (c == 'f') { i += 5; literals++; continue; }
        return ~0ULL;
    }
    return tokens << 48 | strings << 32 | numbers << 16 | literals;
}

KERNEL(json) {
    u64 acc = 0;
    for (int rep = 0; rep < 64; rep++) acc += tokenize(JSON, sizeof(JSON) - 1);
    return acc;
}

/* ---- Integer matrix multiply, 24x24, eight times ---- */
#define N 24
KERNEL(matmul) {
    u32 a[N * N], b[N * N], c[N * N];
    u32 seed = 42;
    for (int i = 0; i < N * N; i++) { a[i] = xorshift(&seed) & 0xffff; b[i] = xorshift(&seed) & 0xffff; }
    u64 check = 0;
    for (int rep = 0; rep < 8; rep++) {
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++) {
                u32 s = 0;
                for (int k = 0; k < N; k++) s += a[i * N + k] * b[k * N + j];
                c[i * N + j] = s;
            }
        a[rep] = c[rep * 7];
        check += c[rep * 13];
    }
    return check;
}
