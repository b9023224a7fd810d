package io.zeroserve.ebpf.internal.link;

import io.zeroserve.ebpf.Helper;
import io.zeroserve.ebpf.HelperTable;
import io.zeroserve.ebpf.LoadException;
import io.zeroserve.ebpf.internal.elf.ElfObject;
import io.zeroserve.ebpf.internal.elf.ElfObject.Rel;
import io.zeroserve.ebpf.internal.elf.ElfObject.Section;
import io.zeroserve.ebpf.internal.elf.ElfObject.Symbol;
import io.zeroserve.ebpf.internal.isa.Insn;
import io.zeroserve.ebpf.internal.isa.Op;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Lays out code and data and applies BPF relocations (kernel {@code Documentation/bpf/llvm_reloc.rst}):
 * {@code R_BPF_64_64} on {@code lddw}, {@code R_BPF_64_32} on calls (undefined symbol = helper by name, defined =
 * BPF-to-BPF call, across sections too), {@code R_BPF_64_ABS64}/{@code ABS32} inside data sections.
 */
public final class Linker {
    public static final int R_BPF_NONE = 0, R_BPF_64_64 = 1, R_BPF_64_ABS64 = 2, R_BPF_64_ABS32 = 3,
            R_BPF_64_NODYLD32 = 4, R_BPF_64_32 = 10;

    private final ElfObject elf;
    private final HelperTable table;
    private final long dataBase;
    private final Map<Integer, Integer> codeStart = new HashMap<>(); // section index -> first slot
    private final Map<Integer, Integer> dataOffset = new HashMap<>(); // section index -> offset in image
    private final List<LinkedObject.CodeSection> codeSections = new ArrayList<>();
    private final Map<String, Integer> helperIndex = new LinkedHashMap<>();
    private final List<Helper> helpers = new ArrayList<>();
    private long[] code;
    private byte[] data;

    private Linker(ElfObject elf, HelperTable table, long dataBase) {
        this.elf = elf;
        this.table = table;
        this.dataBase = dataBase;
    }

    public static LinkedObject link(ElfObject elf, HelperTable helpers, long dataBase) throws LoadException {
        return new Linker(elf, helpers, dataBase).run();
    }

    private LoadException error(String msg) {
        return new LoadException(elf.name() + ": " + msg);
    }

    private LinkedObject run() throws LoadException {
        layoutCode();
        layoutData();
        boolean[] relocatedCall = new boolean[code.length];
        for (Section rs : elf.sections()) {
            if (rs.type() != ElfObject.SHT_REL && rs.type() != ElfObject.SHT_RELA) {
                continue;
            }
            if (rs.info() <= 0 || rs.info() >= elf.sections().size()) {
                continue;
            }
            Section target = elf.sections().get(rs.info());
            boolean isCode = codeStart.containsKey(target.index());
            boolean isData = dataOffset.containsKey(target.index());
            if (!isCode && !isData) {
                continue; // debug info, BTF: not loaded
            }
            if (rs.type() == ElfObject.SHT_RELA) {
                throw error("relocation section " + rs.name() + " is SHT_RELA; BPF objects use SHT_REL");
            }
            for (Rel r : elf.rels(rs)) {
                if (isCode) {
                    relocateCode(target, r, relocatedCall);
                } else {
                    relocateData(target, r);
                }
            }
        }
        for (LinkedObject.CodeSection s : codeSections) {
            for (int pc = s.start(); pc < s.end(); pc++) {
                long w = code[pc];
                if (Insn.opcode(w) == Op.CALL_OP && Insn.src(w) == Op.CALL_HELPER && !relocatedCall[pc]) {
                    throw error("section " + s.name() + " instruction " + (pc - s.start()) + ": call to helper id "
                            + Insn.imm(w) + " without a relocation; helpers are bound by name, declare them extern");
                }
                if (Insn.opcode(w) == Op.LDDW) {
                    pc++;
                }
            }
        }
        return new LinkedObject(elf.name(), code, List.copyOf(codeSections), List.copyOf(helperIndex.keySet()),
                List.copyOf(helpers), data, dataBase);
    }

    private void layoutCode() throws LoadException {
        int total = 0;
        List<Section> execs = new ArrayList<>();
        for (Section s : elf.sections()) {
            if (s.type() == ElfObject.SHT_PROGBITS && s.alloc() && s.exec() && s.size() > 0) {
                if (s.size() % 8 != 0) {
                    throw error("code section " + s.name() + " size " + s.size() + " is not a multiple of 8");
                }
                if (s.size() / 8 > 65536) {
                    throw error("section " + s.name() + " has " + s.size() / 8
                            + " instructions; the limit is 65536 per section");
                }
                codeStart.put(s.index(), total);
                codeSections.add(new LinkedObject.CodeSection(s.name(), total, (int) (s.size() / 8)));
                total += (int) (s.size() / 8);
                execs.add(s);
            }
        }
        code = new long[total];
        for (Section s : execs) {
            ByteBuffer b = ByteBuffer.wrap(elf.contents(s)).order(ByteOrder.LITTLE_ENDIAN);
            int start = codeStart.get(s.index());
            for (int i = 0; i < s.size() / 8; i++) {
                code[start + i] = b.getLong(i * 8);
            }
        }
    }

    private void layoutData() throws LoadException {
        long size = 0;
        List<Section> datas = new ArrayList<>();
        for (Section s : elf.sections()) {
            boolean kind = s.type() == ElfObject.SHT_PROGBITS || s.type() == ElfObject.SHT_NOBITS;
            if (kind && s.alloc() && !s.exec() && s.size() > 0) {
                long align = Math.max(1, Math.min(s.addralign(), 4096));
                size = (size + align - 1) / align * align;
                dataOffset.put(s.index(), (int) size);
                size += s.size();
                if (size > 64L << 20) {
                    throw error("data sections exceed 64 MiB");
                }
                datas.add(s);
            }
        }
        data = new byte[(int) ((size + 7) & ~7L)];
        for (Section s : datas) {
            if (s.type() == ElfObject.SHT_PROGBITS) {
                byte[] c = elf.contents(s);
                System.arraycopy(c, 0, data, dataOffset.get(s.index()), c.length);
            }
        }
    }

    /** The guest address of a data symbol, or an error naming it and its use. */
    private long dataAddress(Symbol sym, String use) throws LoadException {
        String name = sym.name().isEmpty() ? "(section symbol)" : sym.name();
        if (sym.shndx() == ElfObject.SHN_UNDEF) {
            throw error(use + " refers to undefined symbol " + name);
        }
        if (sym.shndx() == ElfObject.SHN_COMMON) {
            throw error(use + " refers to common symbol " + name + "; compile with -fno-common");
        }
        if (sym.shndx() == ElfObject.SHN_ABS) {
            return sym.value();
        }
        Integer off = dataOffset.get(sym.shndx());
        if (off == null) {
            String sec = sym.shndx() < elf.sections().size() ? elf.sections().get(sym.shndx()).name() : "?";
            if (codeStart.containsKey(sym.shndx())) {
                throw error(use + " takes the address of code (" + name + " in " + sec
                        + "); function pointers are not supported");
            }
            throw error(use + " refers to " + name + " in section " + sec + ", which is not loaded");
        }
        return dataBase + off + sym.value();
    }

    private void relocateCode(Section target, Rel r, boolean[] relocatedCall) throws LoadException {
        int start = codeStart.get(target.index());
        if (r.offset() % 8 != 0 || r.offset() < 0 || r.offset() + 8 > target.size()) {
            throw error("relocation at offset " + r.offset() + " of section " + target.name()
                    + " is not on an instruction");
        }
        int local = (int) (r.offset() / 8);
        int pc = start + local;
        String where = "section " + target.name() + " instruction " + local;
        Symbol sym = elf.symbols().get(r.symbol());
        long w = code[pc];
        switch (r.type()) {
            case R_BPF_64_32 -> {
                if (Insn.opcode(w) != Op.CALL_OP) {
                    throw error(where + ": R_BPF_64_32 relocation on a non-call instruction");
                }
                if (sym.shndx() == ElfObject.SHN_UNDEF) {
                    code[pc] = Insn.withImm(Insn.withSrc(w, Op.CALL_HELPER), bindHelper(sym.name(), where));
                } else if (codeStart.containsKey(sym.shndx())) {
                    long targetByte = sym.value() + (Insn.imm(w) + 1L) * 8;
                    Section ts = elf.sections().get(sym.shndx());
                    if (targetByte < 0 || targetByte % 8 != 0 || targetByte >= ts.size()) {
                        throw error(where + ": call target " + sym.name() + " lies outside section " + ts.name());
                    }
                    long targetPc = codeStart.get(sym.shndx()) + targetByte / 8;
                    code[pc] = Insn.withImm(Insn.withSrc(w, Op.CALL_LOCAL), (int) (targetPc - pc - 1));
                } else {
                    throw error(where + ": call to " + sym.name() + ", which is not a function");
                }
                relocatedCall[pc] = true;
            }
            case R_BPF_64_64 -> {
                if (Insn.opcode(w) != Op.LDDW || local + 1 >= target.size() / 8) {
                    throw error(where + ": R_BPF_64_64 relocation on a non-lddw instruction");
                }
                long value = dataAddress(sym, where) + Insn.imm64(w, code[pc + 1]);
                code[pc] = Insn.withImm(w, (int) value);
                code[pc + 1] = Insn.withImm(code[pc + 1], (int) (value >>> 32));
            }
            case R_BPF_NONE -> {
            }
            default -> throw error(where + ": unsupported relocation type " + r.type() + " in code");
        }
    }

    private int bindHelper(String name, String where) throws LoadException {
        Integer idx = helperIndex.get(name);
        if (idx != null) {
            return idx;
        }
        var h = table.helper(name);
        if (h.isEmpty()) {
            var reason = table.unsupportedReason(name);
            if (reason.isPresent()) {
                throw error(where + ": helper " + name + " is not supported: " + reason.get());
            }
            throw error(where + ": unknown helper " + name);
        }
        idx = helpers.size();
        helpers.add(h.get());
        helperIndex.put(name, idx);
        return idx;
    }

    private void relocateData(Section target, Rel r) throws LoadException {
        int base = dataOffset.get(target.index());
        String where = "section " + target.name() + " offset " + r.offset();
        Symbol sym = elf.symbols().get(r.symbol());
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        switch (r.type()) {
            case R_BPF_64_ABS64 -> {
                check(target, r, 8, where);
                int at = (int) (base + r.offset());
                b.putLong(at, dataAddress(sym, where) + b.getLong(at));
            }
            case R_BPF_64_ABS32, R_BPF_64_NODYLD32 -> {
                check(target, r, 4, where);
                int at = (int) (base + r.offset());
                long v = dataAddress(sym, where) + Integer.toUnsignedLong(b.getInt(at));
                if (v >>> 32 != 0) {
                    throw error(where + ": 32-bit relocation value 0x" + Long.toHexString(v) + " does not fit");
                }
                b.putInt(at, (int) v);
            }
            case R_BPF_NONE -> {
            }
            default -> throw error(where + ": unsupported relocation type " + r.type() + " in data");
        }
    }

    private void check(Section target, Rel r, int width, String where) throws LoadException {
        if (r.offset() < 0 || r.offset() + width > target.size()) {
            throw error(where + ": relocation lies outside the section");
        }
        if (target.type() == ElfObject.SHT_NOBITS) {
            throw error(where + ": relocation inside a zero-filled section");
        }
    }
}
