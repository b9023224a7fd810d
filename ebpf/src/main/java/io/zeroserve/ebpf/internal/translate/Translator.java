package io.zeroserve.ebpf.internal.translate;

import static io.zeroserve.ebpf.internal.isa.Op.*;
import static java.lang.constant.ConstantDescs.CD_Object;
import static java.lang.constant.ConstantDescs.CD_int;
import static java.lang.constant.ConstantDescs.CD_long;
import static java.lang.constant.ConstantDescs.CD_void;

import io.zeroserve.ebpf.ProgramFault;
import io.zeroserve.ebpf.internal.isa.Insn;
import io.zeroserve.ebpf.internal.run.Engine;
import io.zeroserve.ebpf.internal.run.Epoch;
import io.zeroserve.ebpf.internal.run.GuestTrap;
import io.zeroserve.ebpf.internal.run.Layout;
import io.zeroserve.ebpf.internal.run.Ops;
import io.zeroserve.ebpf.internal.run.ProgramImage;
import io.zeroserve.ebpf.internal.run.RawMemory;
import io.zeroserve.ebpf.internal.run.RunContext;
import io.zeroserve.ebpf.internal.verify.Function;
import io.zeroserve.ebpf.internal.verify.VerifiedProgram;

import java.lang.classfile.Attributes;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.classfile.MethodModel;
import java.lang.classfile.TypeKind;
import java.lang.classfile.instruction.SwitchCase;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.DirectMethodHandleDesc;
import java.lang.constant.DynamicCallSiteDesc;
import java.lang.constant.MethodHandleDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.invoke.CallSite;
import java.lang.invoke.ConstantCallSite;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MutableCallSite;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Translates a verified program to JVM bytecode: one hidden class per program (built with
 * {@code java.lang.classfile}), one static method per BPF function, BPF registers in JVM locals, a BPF-to-BPF call a
 * JVM call with its own frame.
 *
 * <p>HotSpot does not compile methods over 8000 bytes of bytecode ({@code HugeMethodLimit}), so a function whose
 * method would exceed {@link #HUGE_METHOD_LIMIT} is split into region methods: contiguous instruction ranges that
 * take the registers in a {@code long[]}, run until control leaves the range, store the registers back and return the
 * next pc to a small dispatch loop in the function's own method. Every method is measured after generation and
 * regions are halved until each fits. A function that cannot be translated falls back to the interpreter, with a
 * logged reason.
 */
public final class Translator {
    /** Largest method we emit: HotSpot skips compiling methods with more than 8000 bytes of bytecode. */
    public static final int HUGE_METHOD_LIMIT = 7999;
    private static final System.Logger LOG = System.getLogger("io.zeroserve.ebpf.jit");
    private static final long BASE = Layout.GUEST_BASE;
    /**
     * Instructions a loop may run between two epoch comparisons: about 0.1-0.3 ms of guest work, well under the
     * 2 ms slice, so a tick is noticed late by a fraction of a slice at most.
     */
    static final int FUEL = 1 << 18;
    /**
     * Methods with at most this many loads through computed pointers make them through the arena's heap segment
     * (see FunctionEmitter.load); more would exhaust C2's inlining budget. The property is for A/B measurements
     * (0 = never).
     */
    public static final int SEGMENT_LOAD_LIMIT = Integer.getInteger("zeroserve.ebpf.segmentLoads", 12);
    static final ClassDesc CD_SEG = ClassDesc.of("java.lang.foreign.MemorySegment");
    /**
     * Accesses in the outer loops of a nest (two or more levels out from its innermost loops) are made byte by
     * byte (see FunctionEmitter.byteAccess). The property is for A/B measurements.
     */
    static final boolean BYTE_ACCESS_OUTER_LOOPS = Boolean.parseBoolean(
            System.getProperty("zeroserve.ebpf.byteAccessOuterLoops", "true"));
    static final ClassDesc CD_IOOBE = ClassDesc.of("java.lang.IndexOutOfBoundsException");
    static final ClassDesc CD_RAW = ClassDesc.of(RawMemory.class.getName());
    static final ClassDesc CD_UNSAFE = ClassDesc.of("jdk.internal.misc.Unsafe");
    static final MethodTypeDesc MT_RAW_GET = MethodTypeDesc.of(CD_long, CD_Object, CD_long);
    static final MethodTypeDesc MT_RAW_PUT_BYTE = MethodTypeDesc.of(CD_void, CD_Object, CD_long, ConstantDescs.CD_byte);
    static final MethodTypeDesc MT_RAW_PUT_SHORT = MethodTypeDesc.of(CD_void, CD_Object, CD_long, ConstantDescs.CD_short);
    static final MethodTypeDesc MT_RAW_PUT_INT = MethodTypeDesc.of(CD_void, CD_Object, CD_long, CD_int);
    static final MethodTypeDesc MT_RAW_PUT_LONG = MethodTypeDesc.of(CD_void, CD_Object, CD_long, CD_long);
    /**
     * Estimated bytecode per region when first splitting (the estimates run high: this gives about 6 KB of real
     * bytecode); regions that still overflow {@link #HUGE_METHOD_LIMIT} are halved.
     */
    private static final int REGION_BYTES = 11000;

    static final ClassDesc CD_CTX = ClassDesc.of(RunContext.class.getName());
    static final ClassDesc CD_OPS = ClassDesc.of(Ops.class.getName());
    static final ClassDesc CD_EPOCH = ClassDesc.of(Epoch.class.getName());
    static final ClassDesc CD_TRAP = ClassDesc.of(GuestTrap.class.getName());
    static final ClassDesc CD_ENGINE = ClassDesc.of(Engine.class.getName());
    static final ClassDesc CD_BYTES = ConstantDescs.CD_byte.arrayType();
    static final ClassDesc CD_LONGS = CD_long.arrayType();
    static final MethodTypeDesc MT_FN = MethodTypeDesc.of(CD_long, CD_CTX, CD_long, CD_long, CD_long, CD_long,
            CD_long, CD_long);
    static final MethodTypeDesc MT_REGION = MethodTypeDesc.of(CD_int, CD_CTX, CD_LONGS, CD_int);
    static final MethodTypeDesc MT_RESUME = MethodTypeDesc.of(CD_long, CD_CTX, CD_int, CD_long, CD_long, CD_long,
            CD_long, CD_long, CD_long, CD_long, CD_long, CD_long, CD_long, CD_long);
    /**
     * Never-taken cases that pad each {@code k<fn>} past C2's FreqInlineSize (325 bytecode bytes by default), so
     * C2 does not inline it into the exits: a direct call out of the exit keeps the loops' register allocation as
     * if the exit were not there (inlined, or through a method handle, matmul ran 20-30 % slower).
     */
    private static final int RESUME_PADDING_CASES = 48;
    /** Most continuations per function, and most estimated bytecode they may add up to. */
    private static final int MAX_CONTINUATIONS = 32;
    private static final int CONTINUATION_BUDGET = 256 * 1024;
    static final MethodTypeDesc MT_CALL = MethodTypeDesc.of(CD_long, CD_CTX, CD_int, CD_long, CD_long, CD_long,
            CD_long, CD_long, CD_long);
    static final MethodTypeDesc MT_INTERP = MethodTypeDesc.of(CD_long, CD_int, CD_long, CD_long, CD_long, CD_long,
            CD_long, CD_long);
    static final MethodTypeDesc MT_FAULT = MethodTypeDesc.of(CD_TRAP, CD_int, CD_long, CD_int);

    /**
     * What was generated, for tests and benchmarks: per function, null (one method), regions, or interpreted;
     * {@code continuationSizes} is live: a continuation appears when its loop is first preempted.
     */
    public record Report(String className, Map<Integer, String> fallbacks, Map<Integer, List<int[]>> regions,
                         Map<String, Integer> methodSizes, Map<String, Integer> continuationSizes,
                         boolean rawMemory) {
    }

    private final ProgramImage image;
    private final VerifiedProgram program;
    private final long[] code;
    /** Per function: null = one method; a list of [from, to) ranges = split into regions. */
    private final Map<Integer, List<int[]>> plan = new TreeMap<>();
    private final Map<Integer, String> fallback = new TreeMap<>();
    private Report report;

    private final int forceRegionBytes;
    /**
     * Arena accesses through {@link RawMemory}: after our compare (or, for frame slots, the prologue's proof) an
     * access is one unchecked load or store. Otherwise through the JDK's checked byte-array views and segments.
     */
    private final boolean rawMemory;
    private static final java.util.concurrent.atomic.AtomicBoolean RAW_MEMORY_NOTICE =
            new java.util.concurrent.atomic.AtomicBoolean();
    /** Instructions a loop runs between preemption exits; a test knob can make it tiny. */
    private final int fuel;
    /** Functions whose loop headers cannot leave through continuations: they call the poll in place. */
    private final java.util.Set<Integer> noContinuations = new TreeSet<>();
    /** Continuations generated so far (name to bytecode size); written under this translator's lock. */
    private final Map<String, Integer> continuationSizes = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, MethodHandle> continuationHandles = new HashMap<>();

    private Translator(ProgramImage image, int forceRegionBytes, int testFuel, boolean rawMemory) {
        this.image = image;
        this.forceRegionBytes = forceRegionBytes;
        this.fuel = testFuel > 0 ? testFuel : FUEL;
        this.rawMemory = rawMemory && RawMemory.available();
        if (rawMemory && !this.rawMemory && RAW_MEMORY_NOTICE.compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.INFO, "eBPF scripts access their memory through the JDK''s checked views, "
                    + "which is slower: raw access is off because {0}", RawMemory.UNAVAILABLE);
        }
        this.program = image.program();
        this.code = program.object().code();
    }

    public static Engine translate(ProgramImage image) {
        return new Translator(image, 0, 0, true).run();
    }

    /** Translates and also returns what was generated. */
    public static Map.Entry<Engine, Report> translateWithReport(ProgramImage image, int forceRegionBytes,
                                                               java.util.Set<Integer> interpretFunctions) {
        return translateWithReport(image, forceRegionBytes, interpretFunctions, 0, true);
    }

    /**
     * As above; a positive {@code testFuel} replaces {@link #FUEL} (tests use it to send loops through their
     * continuations every few iterations); {@code rawMemory} false makes the arena accesses go through the JDK's
     * checked views even where {@link RawMemory} is available (tests cover both paths).
     */
    public static Map.Entry<Engine, Report> translateWithReport(ProgramImage image, int forceRegionBytes,
                                                               java.util.Set<Integer> interpretFunctions,
                                                               int testFuel, boolean rawMemory) {
        Translator t = new Translator(image, forceRegionBytes, testFuel, rawMemory);
        for (int fn : interpretFunctions) {
            t.fallback.put(fn, "requested by the loader configuration");
        }
        Engine e = t.run();
        return Map.entry(e, t.report);
    }

    private Engine run() {
        for (Function f : program.functions()) {
            if (forceRegionBytes > 0) {
                plan.put(f.index(), evenRegions(f.start(), f.end(), forceRegionBytes));
            } else if (estimate(f.start(), f.end()) > HUGE_METHOD_LIMIT - 500) {
                plan.put(f.index(), evenRegions(f.start(), f.end(), REGION_BYTES));
            }
        }
        for (int attempt = 0; attempt < 24; attempt++) {
            byte[] bytes;
            try {
                bytes = generate();
            } catch (FunctionFailure ff) {
                fallback.put(ff.fn, ff.getMessage());
                LOG.log(System.Logger.Level.WARNING, "{0}: function at {1} runs in the interpreter: {2}",
                        image.name(), program.object().where(program.functions().get(ff.fn).start()),
                        ff.getMessage());
                continue;
            } catch (RuntimeException e) {
                // A class-level limit (constant pool, class size): no single function to blame.
                LOG.log(System.Logger.Level.WARNING, "{0}: cannot generate the translated class ({1}); using the "
                        + "interpreter", image.name(), e.toString());
                break;
            }
            Map<String, Integer> sizes = new TreeMap<>();
            boolean changed = false;
            ClassModel cm = ClassFile.of().parse(bytes);
            for (MethodModel m : cm.methods()) {
                int len = m.findAttribute(Attributes.code()).map(c -> c.codeLength()).orElse(0);
                String name = m.methodName().stringValue();
                sizes.put(name, len);
                if (len > HUGE_METHOD_LIMIT && (name.startsWith("f") || name.startsWith("r"))) {
                    changed |= shrink(name);
                } else if (len > HUGE_METHOD_LIMIT - CONTINUATION_MARGIN && name.matches("f\\d+")
                        && !continuations(program.functions().get(Integer.parseInt(name.substring(1)))).isEmpty()) {
                    // A continuation is the whole function plus register transfers (generated later, on first
                    // preemption): a function this close to the limit keeps its polls in place instead.
                    noContinuations.add(Integer.parseInt(name.substring(1)));
                    changed = true;
                }
            }
            if (changed) {
                continue;
            }
            try {
                // The translator is the class data: continuations are generated from it on first use.
                MethodHandles.Lookup lookup = MethodHandles.lookup().defineHiddenClassWithClassData(bytes, this,
                        true);
                Class<?> cls = lookup.lookupClass();
                Engine e = (Engine) lookup.findConstructor(cls, MethodType.methodType(void.class)).invoke();
                report = new Report(lookup.lookupClass().getName(), Map.copyOf(fallback), Map.copyOf(plan),
                        Map.copyOf(sizes), java.util.Collections.unmodifiableMap(continuationSizes), rawMemory);
                return e;
            } catch (Throwable t) {
                LOG.log(System.Logger.Level.WARNING, "{0}: translated class rejected ({1}); using the interpreter",
                        image.name(), t.toString());
                break;
            }
        }
        for (Function f : program.functions()) {
            fallback.putIfAbsent(f.index(), "translation did not converge");
        }
        report = new Report("interpreter", Map.copyOf(fallback), Map.of(), Map.of(), Map.of(), false);
        return (ctx, fn, r1, r2, r3, r4, r5, fp) -> ctx.interpret(fn, r1, r2, r3, r4, r5, fp);
    }

    /** Halves the region (or splits the whole function) that produced an oversized method. */
    private boolean shrink(String method) {
        if (method.startsWith("f")) {
            int fn = Integer.parseInt(method.substring(1));
            Function f = program.functions().get(fn);
            if (plan.get(fn) == null) {
                plan.put(fn, evenRegions(f.start(), f.end(), REGION_BYTES));
                return true;
            }
            // The dispatcher itself is too big: too many regions. Give up on this function.
            fallback.put(fn, "dispatcher exceeds the method size limit");
            plan.remove(fn);
            return true;
        }
        String[] parts = method.substring(1).split("_");
        int fn = Integer.parseInt(parts[0]);
        int idx = Integer.parseInt(parts[1]);
        List<int[]> regions = new ArrayList<>(plan.get(fn));
        int[] r = regions.get(idx);
        int mid = splitPoint(r[0], r[1], (r[0] + r[1]) / 2);
        if (mid <= r[0] || mid >= r[1]) {
            fallback.put(fn, "a single instruction exceeds the method size limit");
            plan.remove(fn);
            return true;
        }
        regions.set(idx, new int[] {r[0], mid});
        regions.add(idx + 1, new int[] {mid, r[1]});
        plan.put(fn, regions);
        return true;
    }

    private int splitPoint(int from, int to, int at) {
        if (at > from && at < to && Insn.opcode(code[at - 1]) == LDDW) {
            at++;
        }
        return at;
    }

    private List<int[]> evenRegions(int from, int to, int targetBytes) {
        List<int[]> out = new ArrayList<>();
        int start = from;
        int acc = 0;
        for (int pc = from; pc < to; pc++) {
            acc += estimate(code[pc]);
            if (acc >= targetBytes && pc + 1 < to) {
                int cut = splitPoint(start, to, pc + 1);
                if (cut < to) {
                    out.add(new int[] {start, cut});
                    start = cut;
                    pc = cut - 1;
                    acc = 0;
                }
            }
        }
        out.add(new int[] {start, to});
        return out;
    }

    private int estimate(int from, int to) {
        int n = 0;
        for (int pc = from; pc < to; pc++) {
            n += estimate(code[pc]);
        }
        return n;
    }

    /** Rough bytecode bytes for one instruction, erring high: checked memory accesses and calls are the big ones. */
    private static int estimate(long w) {
        int op = Insn.opcode(w);
        return switch (cls(op)) {
            case ALU64 -> 8;
            case ALU -> 14;
            case JMP, JMP32 -> 30;
            case LD -> 6;
            case LDX -> 30;
            default -> 45;
        };
    }

    private static final class FunctionFailure extends RuntimeException {
        final int fn;

        FunctionFailure(int fn, String message, Throwable cause) {
            super(message, cause);
            this.fn = fn;
        }
    }

    private byte[] generate() {
        ClassDesc self = ClassDesc.of(Translator.class.getPackageName() + ".JitProgram");
        List<Function> fns = program.functions();
        return ClassFile.of().build(self, clb -> {
            clb.withFlags(ClassFile.ACC_PUBLIC | ClassFile.ACC_FINAL | ClassFile.ACC_SUPER);
            clb.withInterfaceSymbols(CD_ENGINE);
            clb.withMethodBody("<init>", MethodTypeDesc.of(CD_void), ClassFile.ACC_PUBLIC, cob -> cob.aload(0)
                    .invokespecial(CD_Object, "<init>", MethodTypeDesc.of(CD_void)).return_());
            clb.withMethodBody("call", MT_CALL, ClassFile.ACC_PUBLIC | ClassFile.ACC_FINAL, cob -> {
                Label dflt = cob.newLabel();
                List<SwitchCase> cases = new ArrayList<>();
                Label[] ls = new Label[fns.size()];
                for (int i = 0; i < fns.size(); i++) {
                    ls[i] = cob.newLabel();
                    cases.add(SwitchCase.of(i, ls[i]));
                }
                cob.iload(2).tableswitch(0, fns.size() - 1, dflt, cases);
                for (int i = 0; i < fns.size(); i++) {
                    cob.labelBinding(ls[i]);
                    if (fallback.containsKey(i)) {
                        cob.aload(1).loadConstant(i);
                        for (int a = 0; a < 6; a++) {
                            cob.lload(3 + 2 * a);
                        }
                        cob.invokevirtual(CD_CTX, "interpret", MT_INTERP).lreturn();
                    } else {
                        cob.aload(1);
                        for (int a = 0; a < 6; a++) {
                            cob.lload(3 + 2 * a);
                        }
                        cob.invokestatic(self, "f" + i, MT_FN).lreturn();
                    }
                }
                cob.labelBinding(dflt);
                cob.loadConstant(0L).lreturn();
            });
            for (Function f : fns) {
                if (fallback.containsKey(f.index())) {
                    continue;
                }
                try {
                    List<int[]> regions = plan.get(f.index());
                    if (regions == null) {
                        clb.withMethodBody("f" + f.index(), MT_FN, ClassFile.ACC_PRIVATE | ClassFile.ACC_STATIC,
                                cob -> new FunctionEmitter(self, f, f.start(), f.end(), false, null, cob).emit());
                        List<Integer> headers = continuations(f);
                        if (!headers.isEmpty()) {
                            clb.withMethodBody("k" + f.index(), MT_RESUME,
                                    ClassFile.ACC_PRIVATE | ClassFile.ACC_STATIC,
                                    cob -> emitResume(self, f, headers, cob));
                        }
                    } else {
                        clb.withMethodBody("f" + f.index(), MT_FN, ClassFile.ACC_PRIVATE | ClassFile.ACC_STATIC,
                                cob -> emitDispatcher(self, f, regions, cob));
                        for (int k = 0; k < regions.size(); k++) {
                            int[] r = regions.get(k);
                            clb.withMethodBody("r" + f.index() + "_" + k, MT_REGION,
                                    ClassFile.ACC_PRIVATE | ClassFile.ACC_STATIC,
                                    cob -> new FunctionEmitter(self, f, r[0], r[1], true, regions, cob).emit());
                        }
                    }
                } catch (FunctionFailure e) {
                    throw e;
                } catch (RuntimeException e) {
                    throw new FunctionFailure(f.index(), e.toString(), e);
                }
            }
        });
    }

    /** Region entry pcs: the function start, every region start, and every target jumped to from another region. */
    private TreeSet<Integer> regionEntries(Function f, List<int[]> regions) {
        TreeSet<Integer> entries = new TreeSet<>();
        entries.add(f.start());
        for (int[] r : regions) {
            entries.add(r[0]);
        }
        for (int pc = f.start(); pc < f.end(); pc++) {
            long w = code[pc];
            int op = Insn.opcode(w);
            if (isJump(op)) {
                int t = pc + 1 + (op == (JMP32 | JA) ? Insn.imm(w) : Insn.off(w));
                if (regionOf(regions, t) != regionOf(regions, pc)) {
                    entries.add(t);
                }
            }
            if (op == LDDW) {
                pc++;
            }
        }
        return entries;
    }

    private static int regionOf(List<int[]> regions, int pc) {
        for (int k = 0; k < regions.size(); k++) {
            if (pc >= regions.get(k)[0] && pc < regions.get(k)[1]) {
                return k;
            }
        }
        return -1;
    }

    /** The function method of a split function: registers into a long[], then a pc-dispatch loop over regions. */
    private void emitDispatcher(ClassDesc self, Function f, List<int[]> regions, CodeBuilder cob) {
        final int regs = 13, pcLocal = 14;
        prologue(cob, f, 11);
        cob.loadConstant(11).newarray(TypeKind.LONG).astore(regs);
        for (int r = 1; r <= 5; r++) {
            cob.aload(regs).loadConstant(r).lload(1 + 2 * (r - 1)).lastore();
        }
        cob.aload(regs).loadConstant(10).lload(11).lastore();
        cob.loadConstant(f.start()).istore(pcLocal);
        Label loop = cob.newLabel();
        Label done = cob.newLabel();
        cob.labelBinding(loop);
        TreeSet<Integer> entries = regionEntries(f, regions);
        List<SwitchCase> cases = new ArrayList<>();
        Map<Integer, Label> byRegion = new HashMap<>();
        for (int e : entries) {
            int k = regionOf(regions, e);
            Label l = byRegion.computeIfAbsent(k, x -> cob.newLabel());
            cases.add(SwitchCase.of(e, l));
        }
        cob.iload(pcLocal).lookupswitch(done, cases);
        for (var e : byRegion.entrySet()) {
            cob.labelBinding(e.getValue());
            cob.aload(0).aload(regs).iload(pcLocal)
                    .invokestatic(self, "r" + f.index() + "_" + e.getKey(), MT_REGION)
                    .istore(pcLocal).goto_(loop);
        }
        cob.labelBinding(done);
        cob.aload(regs).loadConstant(0).laload().lreturn();
    }

    /**
     * The loop headers of a function in one method, each of which gets a continuation: empty when the function is
     * split, interpreted, has no loops, or its continuations would be too many or too big (its loop headers then
     * call the poll in place, which is correct but keeps C2 from optimising the loops as well).
     */
    private List<Integer> continuations(Function f) {
        List<Integer> headers = new ArrayList<>();
        if (plan.get(f.index()) != null || fallback.containsKey(f.index()) || noContinuations.contains(f.index())) {
            return headers;
        }
        for (int pc = f.start(); pc < f.end(); pc++) {
            long w = code[pc];
            int op = Insn.opcode(w);
            if (isJump(op)) {
                int t = pc + 1 + (op == (JMP32 | JA) ? Insn.imm(w) : Insn.off(w));
                if (t <= pc && !headers.contains(t)) {
                    headers.add(t);
                }
            }
            if (op == LDDW) {
                pc++;
            }
        }
        if (headers.size() > MAX_CONTINUATIONS
                || (long) headers.size() * estimate(f.start(), f.end()) > CONTINUATION_BUDGET) {
            return List.of();
        }
        headers.sort(null);
        return headers;
    }

    /**
     * {@code k<fn>(ctx, pc, r0..r10)}: where a loop of a function goes when its fuel runs out. Polls (yield,
     * throttle, budget) if the epoch moved, then runs the continuation for {@code pc}; a continuation returns -1
     * when the function exits (r0 in regs[0]), or the loop header where its fuel ran out again. One frame, however
     * many exits.
     */
    private void emitResume(ClassDesc self, Function f, List<Integer> headers, CodeBuilder cob) {
        final int pcLocal = 1, regs = 24;
        cob.loadConstant(11).newarray(TypeKind.LONG).astore(regs);
        for (int r = 0; r <= 10; r++) {
            cob.aload(regs).loadConstant(r).lload(2 + 2 * r).lastore();
        }
        Label loop = cob.newLabel();
        Label bad = cob.newLabel();
        Label next = cob.newLabel();
        cob.labelBinding(loop);
        Label polled = cob.newLabel();
        cob.getstatic(CD_EPOCH, "ticks", CD_long).aload(0).getfield(CD_CTX, "epochSeen", CD_long).lcmp()
                .ifeq(polled);
        cob.aload(0).iload(pcLocal).invokevirtual(CD_CTX, "poll", MethodTypeDesc.of(CD_void, CD_int));
        cob.labelBinding(polled);
        List<SwitchCase> cases = new ArrayList<>();
        List<Label> labels = new ArrayList<>();
        for (int h : headers) {
            Label l = cob.newLabel();
            labels.add(l);
            cases.add(SwitchCase.of(h, l));
        }
        for (int i = 0; i < RESUME_PADDING_CASES; i++) {
            cases.add(SwitchCase.of(Integer.MIN_VALUE + i, bad)); // pcs are never negative
        }
        cases.sort(java.util.Comparator.comparingInt(SwitchCase::caseValue));
        cob.iload(pcLocal).lookupswitch(bad, cases);
        for (int i = 0; i < headers.size(); i++) {
            cob.labelBinding(labels.get(i));
            // Linked on first execution: the continuation is generated then (see linkContinuation).
            cob.aload(0).aload(regs).iload(pcLocal)
                    .invokedynamic(DynamicCallSiteDesc.of(BSM_CONTINUATION,
                            "c" + f.index() + "_" + headers.get(i), MT_REGION))
                    .istore(pcLocal).goto_(next);
        }
        cob.labelBinding(next);
        cob.iload(pcLocal).ifge(loop);
        cob.aload(regs).loadConstant(0).laload().lreturn();
        cob.labelBinding(bad);
        ClassDesc ise = ClassDesc.of(IllegalStateException.class.getName());
        cob.new_(ise).dup().loadConstant("no continuation at this pc")
                .invokespecial(ise, "<init>", MethodTypeDesc.of(CD_void, ConstantDescs.CD_String)).athrow();
    }

    private static final ClassDesc CD_TRANSLATOR = ClassDesc.of(Translator.class.getName());
    private static final MethodTypeDesc MT_BSM = MethodTypeDesc.of(ClassDesc.of(CallSite.class.getName()),
            ClassDesc.of(MethodHandles.Lookup.class.getName()), ConstantDescs.CD_String,
            ClassDesc.of(MethodType.class.getName()));
    private static final DirectMethodHandleDesc BSM_CONTINUATION = MethodHandleDesc.ofMethod(
            DirectMethodHandleDesc.Kind.STATIC, CD_TRANSLATOR, "linkContinuation", MT_BSM);
    private static final DirectMethodHandleDesc BSM_HOST = MethodHandleDesc.ofMethod(
            DirectMethodHandleDesc.Kind.STATIC, CD_TRANSLATOR, "linkHost", MT_BSM);
    /** Bytecode a continuation adds to its function's method (register loads from the array, a goto), at most. */
    private static final int CONTINUATION_MARGIN = 256;

    /**
     * Bootstrap of a {@code k<fn>} call site: generates continuation {@code c<fn>_<pc>} the first time that loop is
     * preempted, as the only method of a hidden nestmate class of the program's class. Generated under the
     * translator's lock, once per continuation: should two threads link the same site at once, the second gets
     * the first one's method.
     */
    public static CallSite linkContinuation(MethodHandles.Lookup program, String name, MethodType type)
            throws ReflectiveOperationException {
        Translator t = MethodHandles.classData(program, ConstantDescs.DEFAULT_NAME, Translator.class);
        try {
            return new ConstantCallSite(t.continuation(program, name, type));
        } catch (RuntimeException | ReflectiveOperationException | LinkageError | VirtualMachineError e) {
            // A call site whose bootstrap throws stays broken for good; a transient failure (host stack or
            // metaspace exhausted) must not break the program, so this site retries at the loop's next exit.
            LOG.log(System.Logger.Level.WARNING, "{0}: cannot generate continuation {1} yet ({2})", t.image.name(),
                    name, e.toString());
            MutableCallSite site = new MutableCallSite(type);
            site.setTarget(MethodHandles.insertArguments(RETRY, 0, t, program, name, site));
            return site;
        }
    }

    private static final MethodHandle RETRY;

    static {
        try {
            RETRY = MethodHandles.lookup().findStatic(Translator.class, "retryContinuation",
                    MethodType.methodType(int.class, Translator.class, MethodHandles.Lookup.class, String.class,
                            MutableCallSite.class, RunContext.class, long[].class, int.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The target of a continuation site whose generation failed: tries again; a failure ends this run only. */
    private static int retryContinuation(Translator t, MethodHandles.Lookup program, String name,
                                         MutableCallSite site, RunContext ctx, long[] regs, int pc) throws Throwable {
        MethodHandle mh;
        try {
            mh = t.continuation(program, name, site.type());
        } catch (RuntimeException | ReflectiveOperationException | LinkageError | VirtualMachineError e) {
            throw ctx.trap(ProgramFault.Kind.INTERNAL, pc, "cannot generate continuation " + name + ": " + e);
        }
        site.setTarget(mh);
        return (int) mh.invokeExact(ctx, regs, pc);
    }

    private static final java.util.concurrent.atomic.AtomicInteger FAIL_FOR_TEST =
            new java.util.concurrent.atomic.AtomicInteger();

    /** Test hook: the next {@code n} continuation generations fail, as a full metaspace would. */
    public static void failNextContinuationsForTest(int n) {
        FAIL_FOR_TEST.set(n);
    }

    /** Bootstrap of a call from a continuation to a function method of the program's class (its class data). */
    public static CallSite linkHost(MethodHandles.Lookup continuation, String name, MethodType type)
            throws ReflectiveOperationException {
        Class<?> host = MethodHandles.classData(continuation, ConstantDescs.DEFAULT_NAME, Class.class);
        return new ConstantCallSite(continuation.findStatic(host, name, type));
    }

    private synchronized MethodHandle continuation(MethodHandles.Lookup program, String name, MethodType type)
            throws ReflectiveOperationException {
        MethodHandle linked = continuationHandles.get(name);
        if (linked != null) {
            return linked; // another thread linked the same call site first
        }
        if (FAIL_FOR_TEST.get() > 0 && FAIL_FOR_TEST.getAndDecrement() > 0) {
            throw new IllegalStateException("continuation generation failed (test)");
        }
        int fn = Integer.parseInt(name.substring(1, name.indexOf('_')));
        int header = Integer.parseInt(name.substring(name.indexOf('_') + 1));
        Function f = this.program.functions().get(fn);
        ClassDesc self = ClassDesc.of(Translator.class.getPackageName() + ".JitContinuation");
        byte[] bytes = ClassFile.of().build(self, clb -> {
            clb.withFlags(ClassFile.ACC_FINAL | ClassFile.ACC_SUPER);
            clb.withMethodBody(name, MT_REGION, ClassFile.ACC_STATIC,
                    cob -> new FunctionEmitter(self, f, header, cob).emit());
        });
        int len = ClassFile.of().parse(bytes).methods().getFirst().findAttribute(Attributes.code())
                .map(c -> c.codeLength()).orElse(0);
        if (len > HUGE_METHOD_LIMIT) {
            LOG.log(System.Logger.Level.WARNING, "{0}: continuation {1} has {2} bytes of bytecode; HotSpot will "
                    + "not compile it", image.name(), name, len);
        }
        MethodHandles.Lookup c = program.defineHiddenClassWithClassData(bytes, program.lookupClass(), true,
                MethodHandles.Lookup.ClassOption.NESTMATE);
        MethodHandle mh = c.findStatic(c.lookupClass(), name, type);
        continuationHandles.put(name, mh);
        continuationSizes.put(name, len);
        return mh;
    }

    private final Map<Integer, int[]> loopDepths = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<Integer, long[]> frameIndexedForms = new java.util.concurrent.ConcurrentHashMap<>();
    /** Whether FunctionEmitter.arenaOffset reassociates frame-indexed addresses; the property is for A/B runs. */
    static final boolean REASSOCIATE = Boolean.parseBoolean(
            System.getProperty("zeroserve.ebpf.reassociateFrameIndex", "true"));

    /**
     * For every memory access of {@code f} through a register that holds {@code r10 + K + rB} there: the register,
     * rB and K (see FunctionEmitter.arenaOffset). Straight-line tracking only: every jump target and every call
     * forgets everything; a write to a register forgets the forms built on it.
     */
    long[] frameIndexed(Function f) {
        return frameIndexedForms.computeIfAbsent(f.index(), x -> {
            int n = f.end() - f.start();
            boolean[] target = new boolean[n];
            for (int pc = f.start(); pc < f.end(); pc++) {
                long w = code[pc];
                int op = Insn.opcode(w);
                if (isJump(op)) {
                    int t = pc + 1 + (op == (JMP32 | JA) ? Insn.imm(w) : Insn.off(w));
                    if (t >= f.start() && t < f.end()) {
                        target[t - f.start()] = true;
                    }
                }
                if (op == LDDW) {
                    pc++;
                }
            }
            // Per register: -1 = unknown; else index register (bits 32-39, 0xff = none) and K (low 32 bits).
            long[] form = new long[11];
            java.util.Arrays.fill(form, -1);
            long[] out = new long[n];
            for (int pc = f.start(); pc < f.end(); pc++) {
                if (target[pc - f.start()]) {
                    java.util.Arrays.fill(form, -1);
                }
                long w = code[pc];
                int op = Insn.opcode(w), dst = Insn.dst(w), src = Insn.src(w), imm = Insn.imm(w);
                int cls = cls(op);
                if (cls == LDX || cls == ST || cls == STX) {
                    int base = cls == LDX ? src : dst;
                    long fm = form[base];
                    if (base != 10 && fm != -1 && ((fm >>> 32) & 0xff) != 0xff) {
                        out[pc - f.start()] = ((long) base << 56) | (((fm >>> 32) & 0xff) << 48) | (fm & 0xffffffffL);
                    }
                }
                // The register this instruction writes, and its new form.
                int written = -1;
                long now = -1;
                if (cls == ALU64 && op == (ALU64 | X | MOV) && src == 10 && Insn.off(w) == 0) {
                    written = dst;
                    now = 0xffL << 32; // r10 + 0, no index
                } else if (cls == ALU64 && (op == (ALU64 | K | ADD) || op == (ALU64 | K | SUB))) {
                    written = dst;
                    long fm = form[dst];
                    long k = fm == -1 ? 0 : (int) fm + (long) (op == (ALU64 | K | ADD) ? imm : -(long) imm);
                    if (fm != -1 && k == (int) k) {
                        now = (fm & 0xff00000000L) | (k & 0xffffffffL);
                    }
                } else if (cls == ALU64 && op == (ALU64 | X | ADD) && src != dst && src != 10) {
                    written = dst;
                    long fm = form[dst];
                    if (fm != -1 && ((fm >>> 32) & 0xff) == 0xff) {
                        now = ((long) src << 32) | (fm & 0xffffffffL);
                    }
                } else if (cls == ALU64 && op == (ALU64 | X | MOV) && Insn.off(w) == 0 && src != 10) {
                    written = dst;
                    now = form[src];
                } else if (cls == ALU || cls == ALU64 || cls == LDX || op == LDDW) {
                    written = dst;
                } else if (cls == STX && mode(op) == ATOMIC) {
                    if (imm == CMPXCHG) {
                        written = 0;
                    } else if ((imm & FETCH) != 0) {
                        written = src;
                    }
                } else if (op == CALL_OP) {
                    java.util.Arrays.fill(form, -1);
                }
                if (written >= 0) {
                    if (now != -1 && ((now >>> 32) & 0xff) == written) {
                        now = -1; // r3 = r10 + K + r3 copied into r3 itself: the index is gone
                    }
                    for (int r = 0; r <= 10; r++) {
                        if (form[r] != -1 && ((form[r] >>> 32) & 0xff) == written) {
                            form[r] = -1; // built on the register just overwritten
                        }
                    }
                    form[written] = now;
                }
                if (op == LDDW) {
                    pc++;
                }
            }
            return out;
        });
    }

    /**
     * Per instruction of {@code f}, how many loops contain it. Loops are natural loops of back edges (edges to an
     * instruction that dominates their source, dominators by Cooper, Harvey and Kennedy's iteration over reverse
     * postorder), so the layout does not matter: clang places loop bodies before their headers and after their
     * latches. Irreducible cycles count as no loop; unreachable code has depth 0.
     */
    int[] loopDepth(Function f) {
        return loopDepths.computeIfAbsent(f.index(), k -> {
            int n = f.end() - f.start();
            int base = f.start();
            List<List<Integer>> succ = new ArrayList<>(n);
            List<List<Integer>> pred = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                succ.add(new ArrayList<>(2));
                pred.add(new ArrayList<>(2));
            }
            for (int pc = f.start(); pc < f.end(); pc++) {
                long w = code[pc];
                int op = Insn.opcode(w);
                int next = op == LDDW ? pc + 2 : pc + 1;
                if (fallsThrough(op) && next < f.end()) {
                    succ.get(pc - base).add(next - base);
                    pred.get(next - base).add(pc - base);
                }
                if (isJump(op)) {
                    int t = next + (op == (JMP32 | JA) ? Insn.imm(w) : Insn.off(w));
                    if (t >= f.start() && t < f.end()) {
                        succ.get(pc - base).add(t - base);
                        pred.get(t - base).add(pc - base);
                    }
                }
                pc = next - 1;
            }
            // Postorder numbers by an iterative depth-first search from the entry.
            int[] post = new int[n];
            java.util.Arrays.fill(post, -1);
            int[] order = new int[n]; // nodes by postorder number
            int count = 0;
            boolean[] seen = new boolean[n];
            int[] stack = new int[n];
            int[] edge = new int[n];
            int sp = 0;
            stack[sp++] = 0;
            seen[0] = true;
            while (sp > 0) {
                int v = stack[sp - 1];
                if (edge[v] < succ.get(v).size()) {
                    int s2 = succ.get(v).get(edge[v]++);
                    if (!seen[s2]) {
                        seen[s2] = true;
                        stack[sp++] = s2;
                    }
                } else {
                    sp--;
                    post[v] = count;
                    order[count++] = v;
                }
            }
            int[] idom = new int[n];
            java.util.Arrays.fill(idom, -1);
            idom[0] = 0;
            boolean changed = true;
            while (changed) {
                changed = false;
                for (int o = count - 1; o >= 0; o--) {
                    int b = order[o];
                    if (b == 0) {
                        continue;
                    }
                    int d = -1;
                    for (int p : pred.get(b)) {
                        if (post[p] < 0 || idom[p] < 0) {
                            continue;
                        }
                        if (d < 0) {
                            d = p;
                        } else {
                            int x = p, y = d;
                            while (x != y) {
                                while (post[x] < post[y]) {
                                    x = idom[x];
                                }
                                while (post[y] < post[x]) {
                                    y = idom[y];
                                }
                            }
                            d = x;
                        }
                    }
                    if (d >= 0 && idom[b] != d) {
                        idom[b] = d;
                        changed = true;
                    }
                }
            }
            Map<Integer, java.util.BitSet> bodies = new TreeMap<>();
            for (int u = 0; u < n; u++) {
                if (post[u] < 0) {
                    continue;
                }
                for (int h : succ.get(u)) {
                    int x = u;
                    while (x != h && x != 0) {
                        x = idom[x];
                    }
                    if (x != h) {
                        continue; // not a back edge
                    }
                    java.util.BitSet body = bodies.computeIfAbsent(h, z -> new java.util.BitSet(n));
                    body.set(h);
                    java.util.ArrayDeque<Integer> work = new java.util.ArrayDeque<>();
                    work.push(u);
                    while (!work.isEmpty()) {
                        int v = work.pop();
                        if (!body.get(v)) {
                            body.set(v);
                            for (int p : pred.get(v)) {
                                work.push(p);
                            }
                        }
                    }
                }
            }
            int[] depth = new int[n];
            for (java.util.BitSet body : bodies.values()) {
                for (int i = body.nextSetBit(0); i >= 0; i = body.nextSetBit(i + 1)) {
                    depth[i]++;
                }
            }
            return depth;
        });
    }

    private final Map<Integer, int[]> liveness = new HashMap<>();

    /**
     * Per instruction of {@code f}, the registers live before it (bit r), by backward dataflow; r10 always. A
     * preemption exit hands over only these, so registers that are dead at a loop header (temporaries the body
     * overwrites before reading) are not kept alive across the whole loop just for the rare exit.
     * Over-approximates where unsure: atomics and calls kill nothing.
     */
    int[] liveIn(Function f) {
        return liveness.computeIfAbsent(f.index(), k -> {
            int n = f.end() - f.start();
            int[] in = new int[n];
            boolean changed = true;
            while (changed) {
                changed = false;
                for (int pc = f.end() - 1; pc >= f.start(); pc--) {
                    if (pc > f.start() && Insn.opcode(code[pc - 1]) == LDDW) {
                        continue; // second slot of lddw
                    }
                    long w = code[pc];
                    int op = Insn.opcode(w), dst = Insn.dst(w), src = Insn.src(w);
                    int next = op == LDDW ? pc + 2 : pc + 1;
                    int out = 0;
                    if (fallsThrough(op) && next < f.end()) {
                        out |= in[next - f.start()];
                    }
                    if (isJump(op)) {
                        int t = next + (op == (JMP32 | JA) ? Insn.imm(w) : Insn.off(w));
                        if (t >= f.start() && t < f.end()) {
                            out |= in[t - f.start()];
                        }
                    }
                    int use = 0, def = 0;
                    boolean x = (op & X) != 0;
                    switch (cls(op)) {
                        case ALU, ALU64 -> {
                            if (code(op) == MOV) {
                                use = x ? 1 << src : 0;
                            } else {
                                use = (1 << dst) | (x && code(op) != END && code(op) != NEG ? 1 << src : 0);
                            }
                            def = 1 << dst;
                        }
                        case LD -> def = 1 << dst;
                        case LDX -> {
                            use = 1 << src;
                            def = 1 << dst;
                        }
                        case ST -> use = 1 << dst;
                        case STX -> use = (1 << dst) | (1 << src) | (mode(op) == ATOMIC ? 1 : 0);
                        default -> {
                            if (op == CALL_OP) {
                                use = 0b111110;
                                def = 1;
                            } else if (op == EXIT_OP) {
                                use = 1;
                            } else if (code(op) != JA) {
                                use = (1 << dst) | (x ? 1 << src : 0);
                            }
                        }
                    }
                    int live = use | (out & ~def) | (1 << 10);
                    if (live != in[pc - f.start()]) {
                        in[pc - f.start()] = live;
                        changed = true;
                    }
                }
            }
            return in;
        });
    }

    /** Stack-overflow check and the function-entry epoch check; {@code fpLocal} holds r10. */
    private void prologue(CodeBuilder cob, Function f, int fpLocal) {
        Label ok = cob.newLabel();
        cob.lload(fpLocal).loadConstant(BASE + f.frameBytes()).lcmp().ifge(ok);
        cob.aload(0).loadConstant(f.start()).invokevirtual(CD_CTX, "stackOverflow",
                MethodTypeDesc.of(CD_TRAP, CD_int)).athrow();
        cob.labelBinding(ok);
        epochCheck(cob, f.start());
    }

    static void epochCheck(CodeBuilder cob, int pc) {
        Label skip = cob.newLabel();
        cob.getstatic(CD_EPOCH, "ticks", CD_long).aload(0).getfield(CD_CTX, "epochSeen", CD_long).lcmp()
                .ifeq(skip);
        cob.aload(0).loadConstant(pc).invokevirtual(CD_CTX, "poll", MethodTypeDesc.of(CD_void, CD_int));
        cob.labelBinding(skip);
    }

    /** Emits instructions [from, to) of one function, as a whole method or as a region method. */
    private final class FunctionEmitter {
        // Locals. Whole method: 0 ctx, 1..10 r1..r5 (args), 11 fp. Region: 0 ctx, 1 regs, 2 entry pc.
        private final int[] slot = new int[11];
        private final int mem;
        private final int tmp; // long: the address of the memory access in progress
        private final int idx; // int: its arena index
        private final int fuel; // int: instructions left before the next real epoch check
        private final int fpIdx; // int: the arena index of r10, so frame accesses index as fpIdx + constant
        private final int[] loopLength; // per loop header: the longest back-edge distance to it
        private final ClassDesc self;
        private final Function f;
        private final int from, to;
        private final boolean region;
        private final List<int[]> regions;
        private final CodeBuilder cob;
        private final Label[] labels;
        private final boolean[] loopHeader;
        private final List<Runnable> cold = new ArrayList<>();
        private final Map<Integer, Label> exits = new TreeMap<>();
        private final long loadLimit;
        private final long storeLimit;
        /** For a continuation: the loop header it starts at; -1 otherwise. */
        private final int contEntry;
        /** Loop headers leave the method when the fuel runs out (to k<fn>, or from a continuation by returning). */
        private final boolean resumable;
        /** Loads through computed pointers use the segment path (few enough for C2's inlining budget). */
        private final boolean segmentLoads;
        /**
         * Per instruction: 0, or the memory access's base register (bits 56-63), an index register rB (48-55) and
         * K (low 32 bits) when the base holds {@code r10 + K + rB} there (see {@link #arenaOffset}).
         */
        private final long[] frameIndexed;
        /** Loop depth per instruction of the function, and the deepest. */
        private final int[] depth;
        private final int maxDepth;

        /**
         * Calls a static method of the program's class: directly, or from a continuation (a class of its own,
         * a nestmate of the program's class, whose name it cannot resolve) through a constant call site.
         */
        private void hostCall(String name, MethodTypeDesc type) {
            if (contEntry >= 0) {
                cob.invokedynamic(DynamicCallSiteDesc.of(BSM_HOST, name, type));
            } else {
                cob.invokestatic(self, name, type);
            }
        }

        /** The continuation of function {@code f} at loop header {@code entry}: the whole function, one entry. */
        FunctionEmitter(ClassDesc self, Function f, int entry, CodeBuilder cob) {
            this(self, f, f.start(), f.end(), true, null, cob, entry);
        }

        FunctionEmitter(ClassDesc self, Function f, int from, int to, boolean region, List<int[]> regions,
                        CodeBuilder cob) {
            this(self, f, from, to, region, regions, cob, -1);
        }

        private FunctionEmitter(ClassDesc self, Function f, int from, int to, boolean region, List<int[]> regions,
                                CodeBuilder cob, int contEntry) {
            this.contEntry = contEntry;
            this.resumable = contEntry >= 0 || (!region && !continuations(f).isEmpty());
            this.self = self;
            this.f = f;
            this.from = from;
            this.to = to;
            this.region = region;
            this.regions = regions;
            this.cob = cob;
            int base = region ? 3 : 13;
            if (region) {
                for (int r = 0; r <= 10; r++) {
                    slot[r] = base + 2 * r;
                }
                base += 22;
            } else {
                for (int r = 1; r <= 5; r++) {
                    slot[r] = 1 + 2 * (r - 1);
                }
                slot[10] = 11;
                slot[0] = 13;
                for (int r = 6; r <= 9; r++) {
                    slot[r] = 15 + 2 * (r - 6);
                }
                base = 23;
            }
            mem = base;
            tmp = base + 1;
            idx = base + 3;
            fuel = base + 4;
            fpIdx = base + 5;
            labels = new Label[to - from];
            loopHeader = new boolean[to - from];
            loopLength = new int[to - from];
            for (int pc = from; pc < to; pc++) {
                long w = code[pc];
                int op = Insn.opcode(w);
                if (isJump(op)) {
                    int t = target(pc, w);
                    if (t <= pc && t >= from && t < to) {
                        loopHeader[t - from] = true;
                        loopLength[t - from] = Math.max(loopLength[t - from], pc - t + 1);
                    }
                }
                if (op == LDDW) {
                    pc++;
                }
            }
            int computedLoads = 0;
            for (int pc = from; pc < to; pc++) {
                long w = code[pc];
                if (cls(Insn.opcode(w)) == LDX && !frameAccess(Insn.src(w), Insn.off(w), width(Insn.opcode(w)))) {
                    computedLoads++;
                }
                if (Insn.opcode(w) == LDDW) {
                    pc++;
                }
            }
            this.segmentLoads = !rawMemory && computedLoads <= SEGMENT_LOAD_LIMIT;
            this.frameIndexed = frameIndexed(f);
            this.depth = loopDepth(f);
            int deepest = 0;
            for (int d : depth) {
                deepest = Math.max(deepest, d);
            }
            this.maxDepth = deepest;
            this.loadLimit = image.arenaBytes();
            this.storeLimit = image.stackBytes();
        }

        private int target(int pc, long w) {
            return pc + 1 + (Insn.opcode(w) == (JMP32 | JA) ? Insn.imm(w) : Insn.off(w));
        }

        private Label label(int pc) {
            if (pc < from || pc >= to) {
                return exits.computeIfAbsent(pc, x -> cob.newLabel());
            }
            Label l = labels[pc - from];
            if (l == null) {
                l = labels[pc - from] = cob.newLabel();
            }
            return l;
        }

        void emit() {
            cob.loadConstant(Translator.this.fuel).istore(fuel); // first: region entries jump to loop headers
            if (contEntry >= 0) {
                cob.aload(0).getfield(CD_CTX, "mem", CD_BYTES).astore(mem);
                for (int r = 0; r <= 10; r++) {
                    cob.aload(1).loadConstant(r).laload().lstore(slot[r]);
                }
                frameIndex();
                // Enter at the header itself, so the loop keeps one entry (C2 makes a loop entered past its header
                // irreducible: no counted loop, a safepoint poll per iteration). The header's charge is added to
                // the fuel, so even a tiny test fuel runs the loop once before leaving again.
                cob.loadConstant(Translator.this.fuel + loopLength[contEntry - from]).istore(fuel);
                cob.goto_(label(contEntry));
            } else if (region) {
                cob.aload(0).getfield(CD_CTX, "mem", CD_BYTES).astore(mem);
                for (int r = 0; r <= 10; r++) {
                    cob.aload(1).loadConstant(r).laload().lstore(slot[r]);
                }
                TreeSet<Integer> entries = new TreeSet<>();
                for (int e : regionEntries(f, regions)) {
                    if (e >= from && e < to) {
                        entries.add(e);
                    }
                }
                List<SwitchCase> cases = new ArrayList<>();
                for (int e : entries) {
                    cases.add(SwitchCase.of(e, label(e)));
                }
                Label bad = cob.newLabel();
                // r10 never changes within a function and the prologue proved its frame lies inside the stack.
                frameIndex();
                cob.iload(2).lookupswitch(bad, cases);
                cold.add(() -> {
                    cob.labelBinding(bad);
                    cob.aload(0).loadConstant(from).loadConstant(0L).loadConstant(0)
                            .invokevirtual(CD_CTX, "loadFault", MT_FAULT).athrow();
                });
            } else {
                prologue(cob, f, 11);
                cob.aload(0).getfield(CD_CTX, "mem", CD_BYTES).astore(mem);
                frameIndex();
                for (int r : new int[] {0, 6, 7, 8, 9}) {
                    cob.loadConstant(0L).lstore(slot[r]);
                }
            }
            for (int pc = from; pc < to; pc++) {
                cob.labelBinding(label(pc));
                if (loopHeader[pc - from]) {
                    // Loop header: charge the loop's length to the local fuel, a register; only when it runs out,
                    // leave for the continuation, or (without continuations) compare the epoch and refill.
                    Label skip = cob.newLabel();
                    cob.iload(fuel).loadConstant(loopLength[pc - from]).isub().dup().istore(fuel).ifge(skip);
                    if (resumable) {
                        // Out of fuel: leave the loop by a return, not a call, so the loop body holds neither a
                        // call (C2 spills the registers live across one and does not unroll) nor the volatile
                        // epoch load; k<fn> compares the epoch, polls if it moved, and resumes in this header's
                        // continuation. Exits depend on instruction counts only, so profiles see them as rare.
                        Label preempt = cob.newLabel();
                        cob.goto_(preempt);
                        int at = pc;
                        cold.add(() -> {
                            cob.labelBinding(preempt);
                            leave(at);
                        });
                    } else {
                        epochCheck(cob, pc);
                        cob.loadConstant(Translator.this.fuel).istore(fuel);
                    }
                    cob.labelBinding(skip);
                }
                long w = code[pc];
                if (Insn.opcode(w) == LDDW) {
                    cob.loadConstant(Insn.imm64(w, code[pc + 1])).lstore(slot[Insn.dst(w)]);
                    pc++;
                    if (pc + 1 == to && region) {
                        cob.goto_(label(to));
                    }
                    continue;
                }
                insn(pc, w);
                if (pc + 1 == to && region && fallsThrough(Insn.opcode(w))) {
                    cob.goto_(label(to));
                }
            }
            for (Runnable r : cold) {
                r.run();
            }
            for (var e : exits.entrySet()) {
                cob.labelBinding(e.getValue());
                storeRegs();
                cob.loadConstant(e.getKey()).ireturn();
            }
        }

        /**
         * fpIdx = r10 - BASE, masked to the stack's index range: a no-op on the value (the prologue proved the frame
         * lies inside the stack), but it tells C2 that fpIdx + off cannot overflow, so a frame access addresses as
         * [mem + fpIdx + off] instead of keeping one hoisted index per stack slot live in a register.
         */
        private void frameIndex() {
            int mask = (Integer.highestOneBit(image.stackBytes()) << 1) - 1;
            cob.lload(slot[10]).loadConstant(BASE).lsub().l2i().loadConstant(mask).iand().istore(fpIdx);
        }

        /** Leaves for a preemption at loop header {@code pc}, to be resumed in its continuation. */
        private void leave(int pc) {
            int live = liveIn(f)[pc - f.start()];
            if (contEntry >= 0) {
                for (int r = 0; r <= 10; r++) {
                    if ((live & (1 << r)) != 0) {
                        cob.aload(1).loadConstant(r).lload(slot[r]).lastore();
                    }
                }
                cob.loadConstant(pc).ireturn();
                return;
            }
            // Registers as arguments: nothing is live across this call (an allocation here would be a call too).
            cob.aload(0).loadConstant(pc);
            for (int r = 0; r <= 10; r++) {
                if ((live & (1 << r)) != 0) {
                    cob.lload(slot[r]);
                } else {
                    cob.lconst_0();
                }
            }
            cob.invokestatic(self, "k" + f.index(), MT_RESUME).lreturn();
        }

        private void storeRegs() {
            for (int r = 0; r <= 9; r++) {
                cob.aload(1).loadConstant(r).lload(slot[r]).lastore();
            }
        }

        private void insn(int pc, long w) {
            int op = Insn.opcode(w), dst = Insn.dst(w), src = Insn.src(w), off = Insn.off(w), imm = Insn.imm(w);
            switch (cls(op)) {
                case ALU64 -> alu64(op, dst, src, off, imm);
                case ALU -> alu32(op, dst, src, off, imm);
                case JMP, JMP32 -> jump(pc, w, op, dst, src, off, imm);
                case LDX -> load(pc, op, dst, src, off);
                case ST, STX -> store(pc, op, dst, src, off, imm);
                default -> throw new IllegalStateException("unverified opcode " + op);
            }
        }

        private void src64(int op, int src, int imm) {
            if ((op & X) != 0) {
                cob.lload(slot[src]);
            } else {
                cob.loadConstant((long) imm);
            }
        }

        private void src32(int op, int src, int imm) {
            if ((op & X) != 0) {
                cob.lload(slot[src]).l2i();
            } else {
                cob.loadConstant(imm);
            }
        }

        private void alu64(int op, int dst, int src, int off, int imm) {
            int d = slot[dst];
            switch (code(op)) {
                case ADD -> {
                    cob.lload(d);
                    src64(op, src, imm);
                    cob.ladd();
                }
                case SUB -> {
                    cob.lload(d);
                    src64(op, src, imm);
                    cob.lsub();
                }
                case MUL -> {
                    cob.lload(d);
                    src64(op, src, imm);
                    cob.lmul();
                }
                case OR -> {
                    cob.lload(d);
                    src64(op, src, imm);
                    cob.lor();
                }
                case AND -> {
                    cob.lload(d);
                    src64(op, src, imm);
                    cob.land();
                }
                case XOR -> {
                    cob.lload(d);
                    src64(op, src, imm);
                    cob.lxor();
                }
                case LSH, RSH, ARSH -> {
                    cob.lload(d);
                    src32(op, src, imm);
                    switch (code(op)) {
                        case LSH -> cob.lshl();
                        case RSH -> cob.lushr();
                        default -> cob.lshr();
                    }
                }
                case DIV, MOD -> {
                    cob.lload(d);
                    src64(op, src, imm);
                    String name = (off == 1 ? "s" : "u") + (code(op) == DIV ? "div64" : "mod64");
                    cob.invokestatic(CD_OPS, name, MethodTypeDesc.of(CD_long, CD_long, CD_long));
                }
                case NEG -> cob.lload(d).lneg();
                case MOV -> {
                    src64(op, src, imm);
                    switch (off) {
                        case 8 -> cob.l2i().i2b().i2l();
                        case 16 -> cob.l2i().i2s().i2l();
                        case 32 -> cob.l2i().i2l();
                        default -> {
                        }
                    }
                }
                case END -> cob.lload(d).loadConstant(imm)
                        .invokestatic(CD_OPS, "bswap", MethodTypeDesc.of(CD_long, CD_long, CD_int));
                default -> throw new IllegalStateException("unverified opcode " + op);
            }
            cob.lstore(d);
        }

        private void alu32(int op, int dst, int src, int off, int imm) {
            int d = slot[dst];
            switch (code(op)) {
                case END -> {
                    cob.lload(d);
                    if ((op & X) != 0) {
                        cob.loadConstant(imm).invokestatic(CD_OPS, "bswap",
                                MethodTypeDesc.of(CD_long, CD_long, CD_int));
                    } else if (imm == 16) {
                        cob.loadConstant(0xffffL).land();
                    } else if (imm == 32) {
                        cob.loadConstant(0xffffffffL).land();
                    }
                    cob.lstore(d);
                    return;
                }
                case MOV -> {
                    if ((op & X) == 0) {
                        cob.loadConstant(imm & 0xffffffffL).lstore(d);
                        return;
                    }
                    cob.lload(slot[src]).l2i();
                    if (off == 8) {
                        cob.i2b();
                    } else if (off == 16) {
                        cob.i2s();
                    }
                }
                case NEG -> cob.lload(d).l2i().ineg();
                default -> {
                    cob.lload(d).l2i();
                    src32(op, src, imm);
                    switch (code(op)) {
                        case ADD -> cob.iadd();
                        case SUB -> cob.isub();
                        case MUL -> cob.imul();
                        case OR -> cob.ior();
                        case AND -> cob.iand();
                        case XOR -> cob.ixor();
                        case LSH -> cob.ishl();
                        case RSH -> cob.iushr();
                        case ARSH -> cob.ishr();
                        case DIV, MOD -> cob.invokestatic(CD_OPS, (off == 1 ? "s" : "u")
                                + (code(op) == DIV ? "div32" : "mod32"), MethodTypeDesc.of(CD_int, CD_int, CD_int));
                        default -> throw new IllegalStateException("unverified opcode " + op);
                    }
                }
            }
            cob.i2l().loadConstant(0xffffffffL).land().lstore(d);
        }

        private void jump(int pc, long w, int op, int dst, int src, int off, int imm) {
            if (op == CALL_OP) {
                if (src == CALL_HELPER) {
                    cob.aload(0).loadConstant(imm).loadConstant(pc);
                    for (int r = 1; r <= 5; r++) {
                        cob.lload(slot[r]);
                    }
                    cob.invokevirtual(CD_CTX, "callHelper", MethodTypeDesc.of(CD_long, CD_int, CD_int, CD_long,
                            CD_long, CD_long, CD_long, CD_long)).lstore(slot[0]);
                } else {
                    int callee = program.functionStartingAt(pc + imm + 1);
                    cob.aload(0);
                    if (fallback.containsKey(callee)) {
                        cob.loadConstant(callee);
                    }
                    for (int r = 1; r <= 5; r++) {
                        cob.lload(slot[r]);
                    }
                    cob.lload(slot[10]).loadConstant((long) f.frameBytes()).lsub();
                    if (fallback.containsKey(callee)) {
                        cob.invokevirtual(CD_CTX, "interpret", MT_INTERP);
                    } else {
                        hostCall("f" + callee, MT_FN);
                    }
                    cob.lstore(slot[0]);
                }
                return;
            }
            if (op == EXIT_OP) {
                if (region) {
                    cob.aload(1).loadConstant(0).lload(slot[0]).lastore().iconst_m1().ireturn();
                } else {
                    cob.lload(slot[0]).lreturn();
                }
                return;
            }
            Label t = label(target(pc, w));
            int c = code(op);
            if (c == JA) {
                cob.goto_(t);
                return;
            }
            if (cls(op) == JMP) {
                boolean unsigned = c == JGT || c == JGE || c == JLT || c == JLE;
                if (c == JSET) {
                    cob.lload(slot[dst]);
                    src64(op, src, imm);
                    cob.land().lconst_0().lcmp().ifne(t);
                    return;
                }
                cob.lload(slot[dst]);
                src64(op, src, imm);
                if (unsigned) {
                    // An intrinsic: C2 compares unsigned directly (cmp; ja) instead of biasing both sides.
                    cob.invokestatic(ConstantDescs.CD_Long, "compareUnsigned",
                            MethodTypeDesc.of(CD_int, CD_long, CD_long));
                } else {
                    cob.lcmp();
                }
                switch (c) {
                    case JEQ -> cob.ifeq(t);
                    case JNE -> cob.ifne(t);
                    case JGT, JSGT -> cob.ifgt(t);
                    case JGE, JSGE -> cob.ifge(t);
                    case JLT, JSLT -> cob.iflt(t);
                    case JLE, JSLE -> cob.ifle(t);
                    default -> throw new IllegalStateException("unverified opcode " + op);
                }
                return;
            }
            boolean unsigned = c == JGT || c == JGE || c == JLT || c == JLE;
            cob.lload(slot[dst]).l2i();
            if (c == JSET) {
                src32(op, src, imm);
                cob.iand().ifne(t);
                return;
            }
            src32(op, src, imm);
            if (unsigned) {
                cob.invokestatic(ConstantDescs.CD_Integer, "compareUnsigned",
                        MethodTypeDesc.of(CD_int, CD_int, CD_int));
                switch (c) {
                    case JGT -> cob.ifgt(t);
                    case JGE -> cob.ifge(t);
                    case JLT -> cob.iflt(t);
                    default -> cob.ifle(t);
                }
                return;
            }
            switch (c) {
                case JEQ -> cob.if_icmpeq(t);
                case JNE -> cob.if_icmpne(t);
                case JGT, JSGT -> cob.if_icmpgt(t);
                case JGE, JSGE -> cob.if_icmpge(t);
                case JLT, JSLT -> cob.if_icmplt(t);
                case JLE, JSLE -> cob.if_icmple(t);
                default -> throw new IllegalStateException("unverified opcode " + op);
            }
        }

        /**
         * Computes the arena index of {@code base + off} into local {@code idx}, faulting unless the whole access
         * lies below {@code limit} (one unsigned compare). An access through r10 that stays inside the function's
         * verified frame needs no check: the prologue proved the frame lies inside the stack.
         */
        /** An access through r10 that stays inside the function's verified frame: needs no check. */
        private boolean frameAccess(int base, int off, int width) {
            return base == 10 && off < 0 && off + width <= 0 && -off <= f.frameBytes();
        }

        private void address(int pc, int base, int off, int width, long limit, boolean store) {
            if (frameAccess(base, off, width)) {
                // Same base, constant offsets: C2 can merge the arrays' own range checks of a block's accesses.
                cob.iload(fpIdx).loadConstant(off).iadd().istore(idx);
                return;
            }
            Label fault = cob.newLabel();
            // tmp = addr - BASE; fault unless tmp <= limit - width, unsigned (lea, cmp imm32, ja).
            arenaOffset(pc, base, off);
            cob.dup2().lstore(tmp)
                    .loadConstant(limit - width)
                    .invokestatic(ConstantDescs.CD_Long, "compareUnsigned", MethodTypeDesc.of(CD_int, CD_long, CD_long))
                    .ifgt(fault);
            cob.lload(tmp).l2i().istore(idx);
            cold.add(() -> {
                cob.labelBinding(fault);
                cob.aload(0).loadConstant(pc).lload(tmp).loadConstant(BASE).ladd().loadConstant(width)
                        .invokevirtual(CD_CTX, store ? "storeFault" : "loadFault", MT_FAULT).athrow();
            });
            if (store) {
                Label skip = cob.newLabel();
                cob.iload(idx).aload(0).getfield(CD_CTX, "lowWater", CD_int).if_icmpge(skip);
                cob.aload(0).iload(idx).putfield(CD_CTX, "lowWater", CD_int);
                cob.labelBinding(skip);
            }
        }

        /**
         * Pushes the Unsafe instance, the arena and the access's offset for an Unsafe get or put, once
         * {@link #address} has confined it: the checked long offset of a computed access (no narrowing to int and
         * back), or the frame index plus the constant of a frame-slot access.
         */
        private void rawAddress(int base, int off, int width) {
            cob.getstatic(CD_RAW, "UNSAFE", CD_Object).checkcast(CD_UNSAFE).aload(mem);
            if (frameAccess(base, off, width)) {
                cob.iload(fpIdx).i2l().loadConstant(RawMemory.BYTE_ARRAY_BASE + off).ladd();
            } else {
                cob.lload(tmp).loadConstant(RawMemory.BYTE_ARRAY_BASE).ladd();
            }
        }

        /**
         * Whether the access at {@code pc} is made byte by byte: one in a loop at least two levels out from the
         * function's innermost loops. Every wider accessor of the JDK (byte-array views, memory segments, byte
         * buffers) ends in a small {@code Unsafe} method without {@code @ForceInline}, which C2 refuses to inline
         * at a call site it profiles as rare ("low call site frequency"): matmul's spills in its outermost loop
         * then became real calls, every value live across them went to the stack for the whole nest and C2
         * stopped hoisting the inner loops' segment checks, 3x slower, depending on which programs had warmed
         * the JDK's accessors before. Bytes are plain array instructions: C2 merges the stores into one
         * (MergeStores); the loads stay separate, which sites this far out can afford (one level out from the
         * innermost loop they cost matmul and sort 5 %, and were never refused).
         */
        private boolean byteAccess(int pc, int width) {
            int d = depth[pc - f.start()];
            return !rawMemory && BYTE_ACCESS_OUTER_LOOPS && width > 1 && d >= 1 && d <= maxDepth - 2;
        }

        /** The little-endian value of {@code width} bytes at {@code idx} (checked), zero- or sign-extended. */
        private void byteLoad(int width, boolean signed) {
            for (int k = 0; k < width; k++) {
                cob.aload(mem).iload(idx);
                if (k > 0) {
                    cob.loadConstant(k).iadd();
                }
                cob.baload().i2l();
                if (k < width - 1 || !signed) {
                    cob.loadConstant(0xffL).land();
                }
                if (k > 0) {
                    cob.loadConstant(8 * k).lshl().lor();
                }
            }
        }

        /** Stores the low {@code width} bytes of the long on the stack at {@code idx} (checked), little-endian. */
        private void byteStore(int width) {
            cob.lstore(tmp);
            for (int k = 0; k < width; k++) {
                cob.aload(mem).iload(idx);
                if (k > 0) {
                    cob.loadConstant(k).iadd();
                }
                cob.lload(tmp);
                if (k > 0) {
                    cob.loadConstant(8 * k).lushr();
                }
                cob.l2i().bastore();
            }
        }

        /**
         * Pushes the arena offset {@code reg + off - BASE} of a computed access (a long). When {@code reg} is known
         * to hold {@code r10 + K + rB} (clang's array indexing: {@code r5 = r10; r5 += -0x1400; r5 += r4}), the
         * same value is computed as {@code rB + (fpIdx + K + off)}: the parenthesis is loop-invariant, so C2 keeps
         * it in a register and the address is one {@code lea} (crc32's table lookup is on its dependency chain).
         */
        private void arenaOffset(int pc, int reg, int off) {
            long form = frameIndexed[pc - f.start()];
            if (form != 0 && REASSOCIATE && (int) (form >>> 56) == reg) {
                int rb = (int) (form >>> 48) & 0xff;
                long k = (int) form;
                cob.iload(fpIdx).i2l().loadConstant(k + off).ladd().lload(slot[rb]).ladd();
                return;
            }
            cob.lload(slot[reg]).loadConstant((long) off - BASE).ladd();
        }

        private void load(int pc, int op, int dst, int src, int off) {
            int width = width(op);
            if (rawMemory) {
                address(pc, src, off, width, loadLimit, false);
                rawAddress(src, off, width);
                boolean sx = mode(op) == MEMSX;
                switch (width) {
                    case 1 -> cob.invokevirtual(CD_UNSAFE, "getByte", MT_RAW_GET.changeReturnType(ConstantDescs.CD_byte));
                    case 2 -> cob.invokevirtual(CD_UNSAFE, "getShortUnaligned", MT_RAW_GET.changeReturnType(ConstantDescs.CD_short));
                    case 4 -> cob.invokevirtual(CD_UNSAFE, "getIntUnaligned", MT_RAW_GET.changeReturnType(CD_int));
                    default -> cob.invokevirtual(CD_UNSAFE, "getLongUnaligned", MT_RAW_GET.changeReturnType(CD_long));
                }
                if (width < 8) {
                    cob.i2l();
                    if (!sx) {
                        cob.loadConstant(width == 1 ? 0xffL : width == 2 ? 0xffffL : 0xffffffffL).land();
                    }
                }
                cob.lstore(slot[dst]);
                return;
            }
            if (byteAccess(pc, width)) {
                address(pc, src, off, width, loadLimit, false);
                byteLoad(width, mode(op) == MEMSX);
                cob.lstore(slot[dst]);
                return;
            }
            if (segmentLoads && !frameAccess(src, off, width)) {
                // One bounds check instead of two (ours and the array's): the JDK's 64-bit one on the arena as a
                // heap segment, which is exactly the loadable memory (stack, then data). Out of bounds, negative
                // or past 2^32 alike, it throws, caught right here and turned into the same fault as ours.
                Label start = cob.newLabel(), end = cob.newLabel(), handler = cob.newLabel();
                boolean sx = mode(op) == MEMSX;
                cob.aload(0).getfield(CD_CTX, "seg", CD_SEG);
                arenaOffset(pc, src, off);
                cob.labelBinding(start);
                cob.invokestatic(CD_OPS, (sx ? "sldsx" : "sld") + width * 8, MethodTypeDesc.of(CD_long, CD_SEG,
                        CD_long));
                cob.labelBinding(end);
                cob.lstore(slot[dst]);
                cob.exceptionCatch(start, end, handler, CD_IOOBE);
                cold.add(() -> {
                    cob.labelBinding(handler);
                    // src is unchanged: the load's result is stored only after the call.
                    cob.pop().aload(0).loadConstant(pc).lload(slot[src]).loadConstant((long) off).ladd()
                            .loadConstant(width).invokevirtual(CD_CTX, "loadFault", MT_FAULT).athrow();
                });
                return;
            }
            address(pc, src, off, width, loadLimit, false);
            boolean sx = mode(op) == MEMSX;
            String name = (sx ? "ldsx" : "ld") + width * 8;
            cob.aload(mem).iload(idx).invokestatic(CD_OPS, name, MethodTypeDesc.of(CD_long, CD_BYTES, CD_int))
                    .lstore(slot[dst]);
        }

        private void store(int pc, int op, int dst, int src, int off, int imm) {
            int width = width(op);
            address(pc, dst, off, width, storeLimit, true);
            if (rawMemory && mode(op) != ATOMIC) {
                rawAddress(dst, off, width);
                if (cls(op) == ST) {
                    cob.loadConstant((long) imm);
                } else {
                    cob.lload(slot[src]);
                }
                switch (width) {
                    case 1 -> cob.l2i().i2b().invokevirtual(CD_UNSAFE, "putByte", MT_RAW_PUT_BYTE);
                    case 2 -> cob.l2i().i2s().invokevirtual(CD_UNSAFE, "putShortUnaligned", MT_RAW_PUT_SHORT);
                    case 4 -> cob.l2i().invokevirtual(CD_UNSAFE, "putIntUnaligned", MT_RAW_PUT_INT);
                    default -> cob.invokevirtual(CD_UNSAFE, "putLongUnaligned", MT_RAW_PUT_LONG);
                }
                return;
            }
            if (mode(op) != ATOMIC && byteAccess(pc, width)) {
                if (cls(op) == ST) {
                    cob.loadConstant((long) imm);
                } else {
                    cob.lload(slot[src]);
                }
                byteStore(width);
                return;
            }
            if (mode(op) == ATOMIC) {
                cob.aload(mem).iload(idx).loadConstant(imm).lload(slot[src]).lload(slot[0])
                        .invokestatic(CD_OPS, width == 8 ? "atomic64" : "atomic32",
                                MethodTypeDesc.of(CD_long, CD_BYTES, CD_int, CD_int, CD_long, CD_long));
                if (imm == CMPXCHG) {
                    cob.lstore(slot[0]);
                } else if ((imm & FETCH) != 0) {
                    cob.lstore(slot[src]);
                } else {
                    cob.pop2();
                }
                return;
            }
            cob.aload(mem).iload(idx);
            if (cls(op) == ST) {
                cob.loadConstant((long) imm);
            } else {
                cob.lload(slot[src]);
            }
            cob.invokestatic(CD_OPS, "st" + width * 8, MethodTypeDesc.of(CD_void, CD_BYTES, CD_int, CD_long));
        }
    }
}
