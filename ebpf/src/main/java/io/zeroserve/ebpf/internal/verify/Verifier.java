package io.zeroserve.ebpf.internal.verify;

import static io.zeroserve.ebpf.internal.isa.Op.*;

import io.zeroserve.ebpf.LoadException;
import io.zeroserve.ebpf.internal.isa.Disassembler;
import io.zeroserve.ebpf.internal.isa.Insn;
import io.zeroserve.ebpf.internal.link.LinkedObject;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The structural verifier, at least as strict as uBPF's {@code validate}: every field of every instruction is
 * checked against RFC 9669, r10 is never written, jumps stay inside their function and never land on the second
 * slot of {@code lddw}, no function falls off its end, the call graph is acyclic with depth at most
 * {@link #MAX_CALL_DEPTH}, and each function's frame fits {@code maxFrameBytes}.
 */
public final class Verifier {
    public static final int MAX_CALL_DEPTH = 8;
    public static final int MAX_SECTION_INSNS = 65536;
    private static final int UNKNOWN = Integer.MIN_VALUE;

    private final LinkedObject obj;
    private final long[] code;
    private final int maxFrameBytes;
    private boolean[] second; // second slot of an lddw

    private Verifier(LinkedObject obj, int maxFrameBytes) {
        this.obj = obj;
        this.code = obj.code();
        this.maxFrameBytes = maxFrameBytes;
    }

    public static VerifiedProgram verify(LinkedObject obj, int maxFrameBytes) throws LoadException {
        return new Verifier(obj, maxFrameBytes).run();
    }

    private LoadException error(int pc, String reason) {
        long next = pc + 1 < code.length ? code[pc + 1] : 0;
        String dis = Disassembler.disassemble(code[pc], next, i -> i >= 0 && i < obj.helperNames().size()
                ? obj.helperNames().get(i) : Integer.toString(i));
        return new LoadException(obj.name() + ": " + obj.where(pc) + " (" + dis + "): " + reason);
    }

    private VerifiedProgram run() throws LoadException {
        if (obj.sections().isEmpty()) {
            throw new LoadException(obj.name() + ": no executable section (no entry point)");
        }
        second = new boolean[code.length];
        TreeSet<Integer> starts = new TreeSet<>();
        for (LinkedObject.CodeSection s : obj.sections()) {
            if (s.length() > MAX_SECTION_INSNS) {
                throw new LoadException(obj.name() + ": section " + s.name() + " has " + s.length()
                        + " instructions; the limit is " + MAX_SECTION_INSNS);
            }
            starts.add(s.start());
            for (int pc = s.start(); pc < s.end(); pc++) {
                if (Insn.opcode(code[pc]) == LDDW) {
                    if (pc + 1 >= s.end()) {
                        throw error(pc, "lddw is missing its second slot");
                    }
                    second[pc + 1] = true;
                    pc++;
                }
            }
        }
        for (LinkedObject.CodeSection s : obj.sections()) {
            for (int pc = s.start(); pc < s.end(); pc++) {
                if (second[pc]) {
                    continue;
                }
                long w = code[pc];
                if (Insn.opcode(w) == CALL_OP && Insn.src(w) == CALL_LOCAL) {
                    long t = (long) pc + Insn.imm(w) + 1;
                    if (t < 0 || t >= code.length) {
                        throw error(pc, "call target " + t + " lies outside the code");
                    }
                    if (second[(int) t]) {
                        throw error(pc, "call target is the second slot of lddw");
                    }
                    starts.add((int) t);
                }
            }
        }
        List<int[]> ranges = new ArrayList<>();
        Integer[] st = starts.toArray(new Integer[0]);
        for (int i = 0; i < st.length; i++) {
            LinkedObject.CodeSection sec = obj.sectionAt(st[i]);
            int end = i + 1 < st.length ? Math.min(st[i + 1], sec.end()) : sec.end();
            ranges.add(new int[] {st[i], end});
        }
        int n = ranges.size();
        int[] frames = new int[n];
        int[][] callees = new int[n][];
        for (int f = 0; f < n; f++) {
            int[] r = ranges.get(f);
            callees[f] = checkFunction(r[0], r[1], starts);
            frames[f] = frameBytes(r[0], r[1]);
        }
        int[] depth = new int[n];
        int[] state = new int[n]; // 0 new, 1 on path, 2 done
        for (int f = 0; f < n; f++) {
            depth(f, callees, depth, state, ranges);
        }
        List<Function> functions = new ArrayList<>();
        Map<String, Integer> entries = new LinkedHashMap<>();
        for (int f = 0; f < n; f++) {
            int[] r = ranges.get(f);
            functions.add(new Function(f, r[0], r[1], obj.sectionAt(r[0]).name(), frames[f], callees[f], depth[f]));
        }
        for (LinkedObject.CodeSection s : obj.sections()) {
            entries.put(s.name(), Arrays.binarySearch(st, s.start()));
        }
        for (int f = 0; f < n; f++) {
            if (depth[f] > MAX_CALL_DEPTH) {
                throw error(ranges.get(f)[0], "call chain is " + depth[f] + " functions deep; the limit is "
                        + MAX_CALL_DEPTH);
            }
        }
        return new VerifiedProgram(obj, List.copyOf(functions), Map.copyOf(entries));
    }

    private void depth(int f, int[][] callees, int[] depth, int[] state, List<int[]> ranges) throws LoadException {
        if (state[f] == 2) {
            return;
        }
        if (state[f] == 1) {
            throw error(ranges.get(f)[0], "recursion: this function is reached again through its own calls");
        }
        state[f] = 1;
        int d = 1;
        for (int c : callees[f]) {
            depth(c, callees, depth, state, ranges);
            d = Math.max(d, depth[c] + 1);
        }
        depth[f] = d;
        state[f] = 2;
    }

    private int[] checkFunction(int start, int end, TreeSet<Integer> starts) throws LoadException {
        TreeSet<Integer> calls = new TreeSet<>();
        Integer[] st = starts.toArray(new Integer[0]);
        for (int pc = start; pc < end; pc++) {
            long w = code[pc];
            int opcode = Insn.opcode(w);
            checkFields(pc, w);
            int len = opcode == LDDW ? 2 : 1;
            if (isJump(opcode)) {
                long t = (long) pc + 1 + (opcode == (JMP32 | JA) ? Insn.imm(w) : Insn.off(w));
                if (t < start || t >= end) {
                    throw error(pc, "jump target " + (t - obj.sectionAt(pc).start())
                            + " lies outside the function (instructions " + (start - obj.sectionAt(pc).start())
                            + " to " + (end - 1 - obj.sectionAt(pc).start()) + ")");
                }
                if (second[(int) t]) {
                    throw error(pc, "jump lands on the second slot of lddw");
                }
            }
            if (opcode == CALL_OP && Insn.src(w) == CALL_LOCAL) {
                int t = pc + Insn.imm(w) + 1;
                calls.add(Arrays.binarySearch(st, t));
            }
            if (fallsThrough(opcode) && pc + len >= end) {
                throw error(pc, "control falls off the end of the function");
            }
            pc += len - 1;
        }
        return calls.stream().mapToInt(Integer::intValue).toArray();
    }

    private void checkFields(int pc, long w) throws LoadException {
        int opcode = Insn.opcode(w), dst = Insn.dst(w), src = Insn.src(w), off = Insn.off(w), imm = Insn.imm(w);
        int cls = cls(opcode);
        switch (cls) {
            case ALU, ALU64 -> {
                int code = code(opcode);
                boolean x = (opcode & X) != 0;
                if (dst == 10) {
                    throw error(pc, "r10 is read-only");
                }
                if (dst > 10 || src > 10) {
                    throw error(pc, "invalid register");
                }
                switch (code) {
                    case ADD, SUB, MUL, OR, AND, LSH, RSH, XOR, ARSH -> requireOperands(pc, x, src, imm, off, 0);
                    case DIV, MOD -> {
                        if (off != 0 && off != 1) {
                            throw error(pc, "offset must be 0 (unsigned) or 1 (signed) for division");
                        }
                        requireOperands(pc, x, src, imm, 0, 0);
                    }
                    case NEG -> {
                        if (x || src != 0 || off != 0 || imm != 0) {
                            throw error(pc, "neg takes no source operand");
                        }
                    }
                    case MOV -> {
                        if (x) {
                            boolean ok = off == 0 || off == 8 || off == 16 || (cls == ALU64 && off == 32);
                            if (!ok) {
                                throw error(pc, "invalid sign-extension width " + off + " for movsx");
                            }
                            if (imm != 0) {
                                throw error(pc, "immediate must be 0 for a register move");
                            }
                        } else if (src != 0 || off != 0) {
                            throw error(pc, "source register and offset must be 0 for an immediate move");
                        }
                    }
                    case END -> {
                        if (cls == ALU64 && x) {
                            throw error(pc, "invalid byte swap opcode");
                        }
                        if (imm != 16 && imm != 32 && imm != 64) {
                            throw error(pc, "byte swap width must be 16, 32 or 64");
                        }
                        if (src != 0 || off != 0) {
                            throw error(pc, "byte swap takes no source register or offset");
                        }
                    }
                    default -> throw error(pc, "unknown ALU operation");
                }
            }
            case JMP, JMP32 -> {
                int code = code(opcode);
                boolean x = (opcode & X) != 0;
                if (code == CALL || code == EXIT) {
                    if (cls == JMP32 || x) {
                        throw error(pc, "invalid opcode");
                    }
                    if (code == EXIT) {
                        if (dst != 0 || src != 0 || off != 0 || imm != 0) {
                            throw error(pc, "exit takes no operands");
                        }
                        return;
                    }
                    if (dst != 0 || off != 0) {
                        throw error(pc, "call takes no register or offset operands");
                    }
                    if (src == CALL_KFUNC) {
                        throw error(pc, "kfunc calls are not supported");
                    }
                    if (src == CALL_HELPER) {
                        if (imm < 0 || imm >= obj.helpers().size()) {
                            throw error(pc, "call to unknown helper index " + imm);
                        }
                    } else if (src != CALL_LOCAL) {
                        throw error(pc, "invalid call kind " + src);
                    }
                    return;
                }
                if (code == JA) {
                    if (x || dst != 0 || src != 0 || (cls == JMP ? imm != 0 : off != 0)) {
                        throw error(pc, "invalid unconditional jump");
                    }
                    return;
                }
                if (code > JSLE) {
                    throw error(pc, "unknown jump operation");
                }
                if (dst > 10 || src > 10) {
                    throw error(pc, "invalid register");
                }
                if (x ? imm != 0 : src != 0) {
                    throw error(pc, x ? "immediate must be 0 for a register comparison"
                            : "source register must be 0 for an immediate comparison");
                }
            }
            case LD -> {
                if (opcode != LDDW) {
                    throw error(pc, "legacy packet access instructions are not supported");
                }
                if (src != 0) {
                    throw error(pc, "lddw with source " + src + " (map or function pseudo load) is not supported");
                }
                if (dst >= 10) {
                    throw error(pc, dst == 10 ? "r10 is read-only" : "invalid register");
                }
                long nx = code[pc + 1];
                if (Insn.opcode(nx) != 0 || Insn.dst(nx) != 0 || Insn.src(nx) != 0 || Insn.off(nx) != 0) {
                    throw error(pc, "malformed second slot of lddw");
                }
                if (off != 0) {
                    throw error(pc, "offset must be 0 for lddw");
                }
            }
            case LDX -> {
                int mode = mode(opcode);
                if (mode != MEM && !(mode == MEMSX && size(opcode) != DW)) {
                    throw error(pc, "invalid load mode");
                }
                if (dst == 10) {
                    throw error(pc, "r10 is read-only");
                }
                if (dst > 10 || src > 10) {
                    throw error(pc, "invalid register");
                }
                if (imm != 0) {
                    throw error(pc, "immediate must be 0 for a load");
                }
            }
            case ST -> {
                if (mode(opcode) != MEM) {
                    throw error(pc, "invalid store mode");
                }
                if (dst > 10 || src != 0) {
                    throw error(pc, "invalid register");
                }
            }
            case STX -> {
                int mode = mode(opcode);
                if (dst > 10 || src > 10) {
                    throw error(pc, "invalid register");
                }
                if (mode == MEM) {
                    if (imm != 0) {
                        throw error(pc, "immediate must be 0 for a register store");
                    }
                } else if (mode == ATOMIC) {
                    if (size(opcode) != W && size(opcode) != DW) {
                        throw error(pc, "atomic operations are 32 or 64 bits wide");
                    }
                    switch (imm) {
                        case 0x00, 0x40, 0x50, 0xa0 -> {
                        }
                        case 0x01, 0x41, 0x51, 0xa1, XCHG, CMPXCHG -> {
                            if (src == 10 && imm != CMPXCHG) {
                                throw error(pc, "r10 is read-only");
                            }
                        }
                        default -> throw error(pc, "unknown atomic operation 0x" + Integer.toHexString(imm));
                    }
                } else {
                    throw error(pc, "invalid store mode");
                }
            }
            default -> throw error(pc, "invalid opcode");
        }
    }

    private void requireOperands(int pc, boolean x, int src, int imm, int off, int wantOff) throws LoadException {
        if (off != wantOff) {
            throw error(pc, "offset must be 0");
        }
        if (x ? imm != 0 : src != 0) {
            throw error(pc, x ? "immediate must be 0 for a register operand" : "source register must be 0 for an "
                    + "immediate operand");
        }
    }

    /**
     * The frame a function uses below its r10: a forward dataflow tracking which registers hold r10 plus a known
     * constant, taking the lowest offset any such pointer or r10-relative access reaches.
     */
    private int frameBytes(int start, int end) throws LoadException {
        int n = end - start;
        int[][] in = new int[n][];
        ArrayDeque<Integer> work = new ArrayDeque<>();
        int[] entry = new int[11];
        Arrays.fill(entry, UNKNOWN);
        entry[10] = 0;
        in[0] = entry;
        work.add(start);
        long lowest = 0;
        while (!work.isEmpty()) {
            int pc = work.poll();
            int[] s = in[pc - start].clone();
            long w = code[pc];
            int opcode = Insn.opcode(w), dst = Insn.dst(w), src = Insn.src(w), off = Insn.off(w);
            int imm = Insn.imm(w);
            int cls = cls(opcode);
            switch (cls) {
                case ALU64 -> {
                    int code = code(opcode);
                    if (code == MOV && (opcode & X) != 0 && off == 0) {
                        s[dst] = s[src];
                    } else if (code == ADD && (opcode & X) == 0 && s[dst] != UNKNOWN) {
                        s[dst] = s[dst] + imm;
                    } else if (code == SUB && (opcode & X) == 0 && s[dst] != UNKNOWN) {
                        s[dst] = s[dst] - imm;
                    } else {
                        s[dst] = UNKNOWN;
                    }
                    if (s[dst] != UNKNOWN) {
                        lowest = Math.min(lowest, s[dst]);
                    }
                }
                case ALU, LD -> s[dst] = UNKNOWN;
                case LDX -> {
                    if (s[src] != UNKNOWN) {
                        lowest = Math.min(lowest, (long) s[src] + off);
                    }
                    s[dst] = UNKNOWN;
                }
                case ST, STX -> {
                    if (s[dst] != UNKNOWN) {
                        lowest = Math.min(lowest, (long) s[dst] + off);
                    }
                    if (cls == STX && mode(opcode) == ATOMIC && (imm & FETCH) != 0) {
                        if (imm == CMPXCHG) {
                            s[0] = UNKNOWN;
                        } else {
                            s[src] = UNKNOWN;
                        }
                    }
                }
                case JMP -> {
                    if (code(opcode) == CALL) {
                        for (int r = 0; r <= 5; r++) {
                            s[r] = UNKNOWN;
                        }
                    }
                }
                default -> {
                }
            }
            if (lowest < -(1L << 20)) {
                throw error(pc, "stack offset " + lowest + " is beyond any frame");
            }
            int len = opcode == LDDW ? 2 : 1;
            if (isJump(opcode)) {
                int t = pc + 1 + (opcode == (JMP32 | JA) ? imm : off);
                merge(in, t - start, s, work, t);
            }
            if (fallsThrough(opcode) && pc + len < end) {
                merge(in, pc + len - start, s, work, pc + len);
            }
        }
        long frame = (-lowest + 15) & ~15L;
        if (frame > maxFrameBytes) {
            throw error(start, "function frame is " + frame + " bytes; the limit is " + maxFrameBytes
                    + " (compile with -mllvm -bpf-stack-size=" + maxFrameBytes + ")");
        }
        return (int) frame;
    }

    private static void merge(int[][] in, int at, int[] s, ArrayDeque<Integer> work, int pc) {
        int[] cur = in[at];
        if (cur == null) {
            in[at] = s.clone();
            work.add(pc);
            return;
        }
        boolean changed = false;
        for (int r = 0; r < 11; r++) {
            if (cur[r] != s[r] && cur[r] != UNKNOWN) {
                cur[r] = UNKNOWN;
                changed = true;
            }
        }
        if (changed) {
            work.add(pc);
        }
    }
}
