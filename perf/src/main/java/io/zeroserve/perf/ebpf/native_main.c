/* Native baseline for the eBPF kernels: gcc -O2 native_main.c; prints "<kernel> <ns per run> <result>". */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "kernels.c"

static long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void bench(const char *name, u64 (*fn)(void), int runs) {
    volatile u64 r = 0;
    for (int i = 0; i < 3; i++) r = fn();
    long long best = -1;
    for (int i = 0; i < runs; i++) {
        long long t0 = now_ns();
        r = fn();
        long long t = now_ns() - t0;
        if (best < 0 || t < best) best = t;
    }
    printf("%s %lld %llu\n", name, best, (unsigned long long)r);
}

int main(int argc, char **argv) {
    int runs = argc > 1 ? atoi(argv[1]) : 20;
    bench("sha256", sha256, runs);
    bench("crc32", crc32, runs);
    bench("sort", sort, runs);
    bench("json", json, runs * 10);
    bench("matmul", matmul, runs * 10);
    return 0;
}
