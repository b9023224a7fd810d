package io.zeroserve.perf.ebpf;

import io.zeroserve.ebpf.HelperTable;
import io.zeroserve.ebpf.Invocation;
import io.zeroserve.ebpf.Program;
import io.zeroserve.ebpf.ProgramFault;
import io.zeroserve.ebpf.RuntimeOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Benchmarks of the eBPF runtime (not a test; run through {@code perf/ebpf-bench}):
 * (a) invoking an empty entry, (b) one helper call, (c) CPU-bound kernels against the same C built natively,
 * (d) load to first run. Arguments: the BPF object of kernels.c, and optionally the native results
 * ("name ns result" lines from native_main.c).
 */
public final class EbpfBench {
    private static final List<String> KERNELS = List.of("sha256", "crc32", "sort", "json", "matmul");

    private EbpfBench() {
    }

    public static void main(String[] args) throws Exception {
        byte[] elf = Files.readAllBytes(Path.of(args[0]));
        Map<String, long[]> natives = new LinkedHashMap<>();
        if (args.length > 1) {
            for (String line : Files.readAllLines(Path.of(args[1]))) {
                String[] p = line.trim().split("\\s+");
                if (p.length == 3) {
                    natives.put(p[0], new long[] {Long.parseLong(p[1]), Long.parseUnsignedLong(p[2])});
                }
            }
        }
        HelperTable helpers = HelperTable.builder().add("bench_nop", (c, r1, r2, r3, r4, r5) -> r1).build();

        // (d) load to first run
        long t0 = System.nanoTime();
        Program p = Program.load("kernels.o", elf, helpers, RuntimeOptions.defaults());
        long t1 = System.nanoTime();
        long first = run(p, "bench.sha256");
        long t2 = System.nanoTime();
        System.out.printf("load (parse, link, verify, translate): %.2f ms%n", (t1 - t0) / 1e6);
        System.out.printf("first sha256 run after load: %.2f ms (result %x)%n", (t2 - t1) / 1e6, first);

        // (a) empty entry
        Invocation empty = new Invocation("bench.empty", new byte[0], null, 0);
        for (int i = 0; i < 3_000_000; i++) {
            p.invoke(empty);
        }
        int n = 10_000_000;
        long e0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            p.invoke(empty);
        }
        long e1 = System.nanoTime();
        System.out.printf("(a) empty entry invoke: %.1f ns%n", (e1 - e0) / (double) n);

        // (b) helper call: 1000 calls per run, minus the same loop without the call
        double withHelper = best(p, "bench.helpers", 20_000, 2000);
        double baseline = best(p, "bench.helpers_baseline", 20_000, 2000);
        System.out.printf("(b) helper call: %.1f ns (loop of 1000 calls %.0f ns, baseline loop %.0f ns)%n",
                (withHelper - baseline) / 1000, withHelper, baseline);

        // (b') the same with the helper-call site megamorphic, as in a server with many helpers: warm up
        // programs whose bench_nop are three other implementations first.
        Program[] others = {
            Program.load("k1", elf, HelperTable.builder().add("bench_nop", (c, r1, r2, r3, r4, r5) -> r1 + 1)
                    .build(), RuntimeOptions.defaults()),
            Program.load("k2", elf, HelperTable.builder().add("bench_nop", (c, r1, r2, r3, r4, r5) -> r1 ^ r2)
                    .build(), RuntimeOptions.defaults()),
            Program.load("k3", elf, HelperTable.builder().add("bench_nop", (c, r1, r2, r3, r4, r5) -> r1 - r3)
                    .build(), RuntimeOptions.defaults())};
        for (Program o : others) {
            best(o, "bench.helpers", 20_000, 10);
        }
        Program mega = Program.load("k0", elf, helpers, RuntimeOptions.defaults());
        double megaHelper = best(mega, "bench.helpers", 20_000, 2000);
        double megaBaseline = best(mega, "bench.helpers_baseline", 20_000, 2000);
        System.out.printf("(b) helper call, megamorphic call site: %.1f ns%n", (megaHelper - megaBaseline) / 1000);

        // (c) kernels
        double logSum = 0;
        int count = 0;
        System.out.println("(c) kernel | runtime ns | native ns | ratio | result check");
        for (String k : KERNELS) {
            if (System.getProperty("kernels") != null && !System.getProperty("kernels").contains(k)) {
                continue;
            }
            int runs = k.equals("sha256") || k.equals("crc32") ? 30 : 300;
            double ns = best(p, "bench." + k, runs * 5, runs);
            long result = run(p, "bench." + k);
            long[] nat = natives.get(k);
            if (nat != null) {
                double ratio = ns / nat[0];
                logSum += Math.log(ratio);
                count++;
                System.out.printf("  %-7s | %12.0f | %10d | %5.2f | %s%n", k, ns, nat[0], ratio,
                        nat[1] == result ? "same" : "DIFFERENT " + Long.toUnsignedString(result));
            } else {
                System.out.printf("  %-7s | %12.0f | %10s |%n", k, ns, "-");
            }
        }
        if (count > 0) {
            System.out.printf("geometric mean ratio: %.2f%n", Math.exp(logSum / count));
        }

        // (d) again, with the loader itself warm: a second program, as when a site is reloaded
        long l0 = System.nanoTime();
        Program q = Program.load("kernels.o", elf, helpers, RuntimeOptions.defaults());
        long l1 = System.nanoTime();
        run(q, "bench.json");
        long l2 = System.nanoTime();
        System.out.printf("(d) warm reload: load %.2f ms, first json run %.2f ms%n", (l1 - l0) / 1e6,
                (l2 - l1) / 1e6);
    }

    private static long run(Program p, String section) throws ProgramFault {
        return p.invoke(new Invocation(section, new byte[0], null, 0));
    }

    /** Warms up, then returns the best time of {@code runs} runs, in ns. */
    private static double best(Program p, String section, int warmup, int runs) throws ProgramFault {
        Invocation inv = new Invocation(section, new byte[0], null, 0);
        for (int i = 0; i < warmup; i++) {
            p.invoke(inv);
        }
        long best = Long.MAX_VALUE;
        for (int i = 0; i < runs; i++) {
            long a = System.nanoTime();
            p.invoke(inv);
            best = Math.min(best, System.nanoTime() - a);
        }
        return best;
    }
}
