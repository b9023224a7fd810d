package io.zeroserve.ebpf.internal;

import static io.zeroserve.ebpf.internal.isa.Op.*;

import io.zeroserve.ebpf.Helper;
import io.zeroserve.ebpf.LoadException;
import io.zeroserve.ebpf.RuntimeOptions;
import io.zeroserve.ebpf.internal.isa.Insn;
import io.zeroserve.ebpf.internal.link.LinkedObject;
import io.zeroserve.ebpf.internal.run.Layout;
import io.zeroserve.ebpf.internal.run.LoadedProgram;
import io.zeroserve.ebpf.internal.run.Timeslicer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tiny BPF assembler for tests: builds instruction words with symbolic labels, several sections, helpers by
 * index, and a data image, then loads them through the same verifier and engines as ELF objects.
 */
public final class Asm {
    private final List<Long> code = new ArrayList<>();
    private final List<LinkedObject.CodeSection> sections = new ArrayList<>();
    private final Map<String, Integer> labels = new HashMap<>();
    private final List<Object[]> fixups = new ArrayList<>(); // {slot, label, kind}
    private final Map<String, Helper> helpers = new LinkedHashMap<>();
    private byte[] data = new byte[0];
    private String section;
    private int sectionStart;

    public static long dataBase(RuntimeOptions o) {
        return Layout.GUEST_BASE + o.stackBytes();
    }

    public Asm section(String name) {
        endSection();
        section = name;
        sectionStart = code.size();
        return this;
    }

    private void endSection() {
        if (section != null) {
            sections.add(new LinkedObject.CodeSection(section, sectionStart, code.size() - sectionStart));
            section = null;
        }
    }

    public Asm data(byte[] d) {
        data = d;
        return this;
    }

    public Asm helper(String name, Helper h) {
        helpers.put(name, h);
        return this;
    }

    public int helperIndex(String name) {
        return new ArrayList<>(helpers.keySet()).indexOf(name);
    }

    public Asm label(String l) {
        labels.put(l, code.size());
        return this;
    }

    public int pc() {
        return code.size() - sectionStart;
    }

    public Asm raw(long w) {
        if (section == null) {
            section("test");
        }
        code.add(w);
        return this;
    }

    public Asm ins(int op, int dst, int src, int off, int imm) {
        return raw(Insn.make(op, dst, src, off, imm));
    }

    // ALU helpers: alu64(ADD, dst, src) / alu64i(ADD, dst, imm), same for 32.
    public Asm alu64(int code, int dst, int src) {
        return ins(ALU64 | X | code, dst, src, 0, 0);
    }

    public Asm alu64i(int code, int dst, int imm) {
        return ins(ALU64 | K | code, dst, 0, 0, imm);
    }

    public Asm alu32(int code, int dst, int src) {
        return ins(ALU | X | code, dst, src, 0, 0);
    }

    public Asm alu32i(int code, int dst, int imm) {
        return ins(ALU | K | code, dst, 0, 0, imm);
    }

    public Asm mov(int dst, int src) {
        return alu64(MOV, dst, src);
    }

    public Asm movi(int dst, int imm) {
        return alu64i(MOV, dst, imm);
    }

    public Asm lddw(int dst, long v) {
        ins(LDDW, dst, 0, 0, (int) v);
        return ins(0, 0, 0, 0, (int) (v >>> 32));
    }

    public Asm ldx(int size, int dst, int src, int off) {
        return ins(LDX | MEM | size, dst, src, off, 0);
    }

    public Asm stx(int size, int dst, int src, int off) {
        return ins(STX | MEM | size, dst, src, off, 0);
    }

    public Asm st(int size, int dst, int off, int imm) {
        return ins(ST | MEM | size, dst, 0, off, imm);
    }

    public Asm jmp(int op, int dst, int src, String target) {
        fixups.add(new Object[] {code.size(), target, "off"});
        return ins(op, dst, src, 0, 0);
    }

    public Asm jmpi(int op, int dst, int imm, String target) {
        fixups.add(new Object[] {code.size(), target, "off"});
        return ins(op, dst, 0, 0, imm);
    }

    public Asm ja(String target) {
        return jmp(JMP | JA, 0, 0, target);
    }

    public Asm call(String target) {
        fixups.add(new Object[] {code.size(), target, "imm"});
        return ins(CALL_OP, 0, CALL_LOCAL, 0, 0);
    }

    public Asm callHelper(String name) {
        return ins(CALL_OP, 0, CALL_HELPER, 0, helperIndex(name));
    }

    public Asm exit() {
        return ins(EXIT_OP, 0, 0, 0, 0);
    }

    public LinkedObject link(RuntimeOptions o) {
        endSection();
        long[] words = code.stream().mapToLong(Long::longValue).toArray();
        for (Object[] f : fixups) {
            int at = (Integer) f[0];
            Integer t = labels.get((String) f[1]);
            if (t == null) {
                throw new IllegalArgumentException("no label " + f[1]);
            }
            int rel = t - at - 1;
            long w = words[at];
            words[at] = f[2].equals("imm") ? Insn.withImm(w, rel)
                    : (w & ~0xffff0000L) | ((rel & 0xffffL) << 16);
        }
        return new LinkedObject("asm", words, List.copyOf(sections), List.copyOf(helpers.keySet()),
                List.copyOf(helpers.values()), data, dataBase(o));
    }

    public LoadedProgram load(ProgramLoader.Mode mode) throws LoadException {
        return load(mode, RuntimeOptions.defaults(), Timeslicer.SYSTEM);
    }

    public LoadedProgram load(ProgramLoader.Mode mode, RuntimeOptions o, Timeslicer ts) throws LoadException {
        return ProgramLoader.load(link(o), o, new ProgramLoader.Config(mode, ts));
    }
}
