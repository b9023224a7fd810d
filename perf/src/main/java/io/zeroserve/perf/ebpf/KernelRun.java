package io.zeroserve.perf.ebpf;

import io.zeroserve.ebpf.HelperTable;
import io.zeroserve.ebpf.Invocation;
import io.zeroserve.ebpf.Program;
import io.zeroserve.ebpf.ProgramFault;
import io.zeroserve.ebpf.RuntimeOptions;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Times one kernel of kernels.c in a fresh JVM, optionally after running other entries once (not a test; a
 * companion of {@link EbpfBench}, whose fixed order runs sha256 first). C2's code for a kernel can depend on what
 * ran before it (which JDK accessors carry a profile), so this runs a kernel first, or after chosen others.
 * Arguments: the BPF object, the kernel, rounds, runs per round, then entries to run once before ("sha256",
 * "empty", ...). Prints the best time of each round, in ns.
 */
public final class KernelRun {
    private KernelRun() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: KernelRun kernels.o <kernel> <rounds> <runs> [entry to run first...]");
            System.exit(2);
        }
        byte[] elf = Files.readAllBytes(Path.of(args[0]));
        HelperTable helpers = HelperTable.builder().add("bench_nop", (c, r1, r2, r3, r4, r5) -> r1).build();
        Program p = Program.load("kernels.o", elf, helpers, RuntimeOptions.defaults());
        for (int k = 4; k < args.length; k++) {
            run(p, "bench." + args[k]);
        }
        Invocation inv = new Invocation("bench." + args[1], new byte[0], null, 0);
        int rounds = Integer.parseInt(args[2]);
        int runs = Integer.parseInt(args[3]);
        for (int r = 0; r < rounds; r++) {
            long best = Long.MAX_VALUE;
            for (int i = 0; i < runs; i++) {
                long t = System.nanoTime();
                p.invoke(inv);
                best = Math.min(best, System.nanoTime() - t);
            }
            System.out.println(args[1] + " round " + r + " best " + best);
        }
    }

    private static void run(Program p, String section) throws ProgramFault {
        p.invoke(new Invocation(section, new byte[0], null, 0));
    }
}
