package io.zeroserve.ebpf.internal;

import io.zeroserve.ebpf.HelperTable;
import io.zeroserve.ebpf.LoadException;
import io.zeroserve.ebpf.Program;
import io.zeroserve.ebpf.RuntimeOptions;
import io.zeroserve.ebpf.internal.elf.ElfObject;
import io.zeroserve.ebpf.internal.interp.Interpreter;
import io.zeroserve.ebpf.internal.link.LinkedObject;
import io.zeroserve.ebpf.internal.link.Linker;
import io.zeroserve.ebpf.internal.run.Epoch;
import io.zeroserve.ebpf.internal.run.Layout;
import io.zeroserve.ebpf.internal.run.LoadedProgram;
import io.zeroserve.ebpf.internal.run.ProgramImage;
import io.zeroserve.ebpf.internal.run.Timeslicer;
import io.zeroserve.ebpf.internal.translate.Translator;
import io.zeroserve.ebpf.internal.verify.Function;
import io.zeroserve.ebpf.internal.verify.VerifiedProgram;
import io.zeroserve.ebpf.internal.verify.Verifier;

import java.util.List;
import java.util.Set;

/** Entry of the load pipeline: elf, link, verify, translate. */
public final class ProgramLoader {
    /**
     * Which engine runs the program: translated bytecode (default), the same with every arena access through the
     * JDK's checked views (what runs where {@code RawMemory} is unavailable; tests cover it), or the reference
     * interpreter.
     */
    public enum Mode { JIT, JIT_CHECKED_VIEWS, INTERPRETER }

    /**
     * Internal knobs for tests and benchmarks.
     *
     * @param forceRegionBytes if positive, split every function into regions of about this many bytecode bytes
     *                         (tests use it to exercise region code on small functions)
     * @param interpretFunctions function indices the translator must leave to the interpreter (tests use it to
     *                           exercise the fallback path)
     * @param testFuel           if positive, loops check for preemption every this many instructions and leave
     *                           for their continuation every time (tests use it to exercise preemption exits)
     */
    public record Config(Mode mode, Timeslicer timeslicer, int forceRegionBytes, Set<Integer> interpretFunctions,
                         int testFuel) {
        public Config(Mode mode, Timeslicer timeslicer, int forceRegionBytes, Set<Integer> interpretFunctions) {
            this(mode, timeslicer, forceRegionBytes, interpretFunctions, 0);
        }

        public Config(Mode mode, Timeslicer timeslicer) {
            this(mode, timeslicer, 0, Set.of());
        }

        public Config(Mode mode, Timeslicer timeslicer, int forceRegionBytes) {
            this(mode, timeslicer, forceRegionBytes, Set.of());
        }

        public static Config defaults() {
            return new Config(Mode.JIT, Timeslicer.SYSTEM);
        }
    }

    private ProgramLoader() {
    }

    public static Program load(String name, byte[] elf, HelperTable helpers, RuntimeOptions options)
            throws LoadException {
        return load(name, elf, helpers, options, Config.defaults());
    }

    public static LoadedProgram load(String name, byte[] elf, HelperTable helpers, RuntimeOptions options,
                                     Config config) throws LoadException {
        checkOptions(name, options);
        LinkedObject linked;
        try {
            ElfObject obj = ElfObject.parse(name, elf);
            linked = Linker.link(obj, helpers, Layout.GUEST_BASE + options.stackBytes());
        } catch (RuntimeException e) {
            // Backstop: the parser and linker check what they read, but a corrupt object must never escape as
            // anything but a LoadException.
            throw new LoadException(name + ": malformed ELF object (" + e + ")", e);
        }
        return load(linked, options, config);
    }

    /** Loads already-linked code (the test assembler's path). */
    public static LoadedProgram load(LinkedObject linked, RuntimeOptions options, Config config)
            throws LoadException {
        checkOptions(linked.name(), options);
        VerifiedProgram verified = Verifier.verify(linked, options.maxFrameBytes());
        List<Function> fns = verified.functions();
        int[] need = new int[fns.size()];
        // Callees have higher indices only if sections are ordered that way, so compute by depth instead.
        for (int d = 1; d <= Verifier.MAX_CALL_DEPTH; d++) {
            for (Function f : fns) {
                if (f.depth() == d) {
                    int deepest = 0;
                    for (int c : f.callees()) {
                        deepest = Math.max(deepest, need[c]);
                    }
                    need[f.index()] = f.frameBytes() + deepest;
                }
            }
        }
        ProgramImage image = new ProgramImage(linked.name(), verified, linked.helpers().toArray(
                new io.zeroserve.ebpf.Helper[0]), linked.helperNames().toArray(new String[0]), linked.data(),
                options.stackBytes(), need, options, config.timeslicer());
        Epoch.requestPeriod(options.timeSlice().toNanos());
        Interpreter interpreter = new Interpreter(verified, options.stackBytes());
        if (config.mode() == Mode.INTERPRETER) {
            return new LoadedProgram(image, interpreter, interpreter, "interpreter", null);
        }
        var jit = Translator.translateWithReport(image, config.forceRegionBytes(),
                config.interpretFunctions(), config.testFuel(), config.mode() == Mode.JIT);
        return new LoadedProgram(image, jit.getKey(), interpreter, "jit", jit.getValue());
    }

    private static void checkOptions(String name, RuntimeOptions o) throws LoadException {
        if (o.stackBytes() < 512 || o.stackBytes() > (16 << 20) || o.stackBytes() % 16 != 0) {
            throw new LoadException(name + ": stackBytes must be a multiple of 16 between 512 and 16 MiB, got "
                    + o.stackBytes());
        }
        if (o.maxFrameBytes() <= 0 || o.maxFrameBytes() > o.stackBytes()) {
            throw new LoadException(name + ": maxFrameBytes must be positive and at most stackBytes, got "
                    + o.maxFrameBytes());
        }
        if (o.timeSlice().isNegative() || o.timeSlice().isZero() || o.throttleAfter().isNegative()
                || o.cpuBudget().isNegative()) {
            throw new LoadException(name + ": time slice must be positive and other durations non-negative");
        }
    }
}
