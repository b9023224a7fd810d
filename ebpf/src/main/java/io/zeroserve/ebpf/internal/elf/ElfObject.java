package io.zeroserve.ebpf.internal.elf;

import io.zeroserve.ebpf.LoadException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A parsed ELF64 little-endian relocatable object for {@code EM_BPF} (the System V gABI layout; BPF specifics from
 * the kernel's {@code Documentation/bpf/llvm_reloc.rst}). Only what the linker needs: sections, symbols, REL entries.
 */
public final class ElfObject {
    public static final int SHT_PROGBITS = 1, SHT_SYMTAB = 2, SHT_STRTAB = 3, SHT_RELA = 4, SHT_NOBITS = 8,
            SHT_REL = 9;
    public static final long SHF_WRITE = 0x1, SHF_ALLOC = 0x2, SHF_EXECINSTR = 0x4;
    public static final int SHN_UNDEF = 0, SHN_ABS = 0xfff1, SHN_COMMON = 0xfff2;
    private static final int EM_BPF = 247, ET_REL = 1;

    public record Section(int index, String name, int type, long flags, long offset, long size, int link, int info,
                          long addralign, long entsize) {
        public boolean alloc() {
            return (flags & SHF_ALLOC) != 0;
        }

        public boolean exec() {
            return (flags & SHF_EXECINSTR) != 0;
        }
    }

    public record Symbol(int index, String name, long value, long size, int info, int shndx) {
        public int type() {
            return info & 0xf;
        }
    }

    /** One REL entry: {@code r_offset} within the target section, the symbol and the relocation type. */
    public record Rel(long offset, int symbol, int type) {
    }

    private final String name;
    private final ByteBuffer buf;
    private final List<Section> sections = new ArrayList<>();
    private final List<Symbol> symbols = new ArrayList<>();

    private ElfObject(String name, byte[] bytes) throws LoadException {
        this.name = name;
        this.buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        parse();
    }

    public static ElfObject parse(String name, byte[] bytes) throws LoadException {
        try {
            return new ElfObject(name, bytes);
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            throw new LoadException(name + ": malformed ELF: a header or table lies outside the file");
        }
    }

    private LoadException bad(String what) {
        return new LoadException(name + ": invalid ELF: " + what);
    }

    private void parse() throws LoadException {
        if (buf.capacity() < 64 || buf.getInt(0) != 0x464c457f) {
            throw bad("not an ELF file (bad magic)");
        }
        if (buf.get(4) != 2) {
            throw bad("not ELF64 (class " + buf.get(4) + ")");
        }
        if (buf.get(5) != 1) {
            throw bad("not little-endian (BPF objects must be built with -target bpf or bpfel)");
        }
        if (buf.get(6) != 1 || buf.getInt(20) != 1) {
            throw bad("unsupported ELF version");
        }
        if (buf.getShort(16) != ET_REL) {
            throw bad("not a relocatable object (e_type " + buf.getShort(16) + "); compile with clang -c");
        }
        int machine = Short.toUnsignedInt(buf.getShort(18));
        if (machine != EM_BPF) {
            throw bad("not a BPF object (e_machine " + machine + ", expected 247)");
        }
        long shoff = buf.getLong(40);
        int shentsize = Short.toUnsignedInt(buf.getShort(58));
        int shnum = Short.toUnsignedInt(buf.getShort(60));
        int shstrndx = Short.toUnsignedInt(buf.getShort(62));
        if (shoff == 0 || shnum == 0) {
            throw bad("no section header table");
        }
        if (shentsize != 64) {
            throw bad("section header size " + shentsize + ", expected 64");
        }
        if (shoff < 0 || shoff + (long) shnum * 64 > buf.capacity()) {
            throw bad("section header table lies outside the file");
        }
        if (shstrndx >= shnum) {
            throw bad("no section name table");
        }
        long[][] raw = new long[shnum][];
        for (int i = 0; i < shnum; i++) {
            int h = (int) (shoff + i * 64L);
            raw[i] = new long[] {Integer.toUnsignedLong(buf.getInt(h)), buf.getInt(h + 4), buf.getLong(h + 8),
                    buf.getLong(h + 24), buf.getLong(h + 32), buf.getInt(h + 40), buf.getInt(h + 44),
                    buf.getLong(h + 48), buf.getLong(h + 56)};
        }
        long[] strtab = raw[shstrndx];
        for (int i = 0; i < shnum; i++) {
            long[] r = raw[i];
            int type = (int) r[1];
            if (type != SHT_NOBITS && type != 0 && (r[3] < 0 || r[4] < 0 || r[3] + r[4] > buf.capacity())) {
                throw bad("section " + i + " lies outside the file");
            }
            String secName = string(strtab[3], strtab[4], r[0]);
            sections.add(new Section(i, secName, type, r[2], r[3], r[4], (int) r[5], (int) r[6], r[7], r[8]));
        }
        Section symtab = sections.stream().filter(s -> s.type() == SHT_SYMTAB).findFirst()
                .orElseThrow(() -> bad("no .symtab"));
        if (symtab.link() <= 0 || symtab.link() >= shnum) {
            throw bad("symbol table has no string table");
        }
        Section symstr = sections.get(symtab.link());
        int count = (int) (symtab.size() / 24);
        for (int i = 0; i < count; i++) {
            int s = (int) (symtab.offset() + i * 24L);
            long nameOff = Integer.toUnsignedLong(buf.getInt(s));
            int info = Byte.toUnsignedInt(buf.get(s + 4));
            int shndx = Short.toUnsignedInt(buf.getShort(s + 6));
            symbols.add(new Symbol(i, string(symstr.offset(), symstr.size(), nameOff), buf.getLong(s + 8),
                    buf.getLong(s + 16), info, shndx));
        }
    }

    private String string(long tableOffset, long tableSize, long at) throws LoadException {
        if (at >= tableSize) {
            throw bad("string offset " + at + " outside its string table");
        }
        int start = (int) (tableOffset + at);
        int end = start;
        while (end < tableOffset + tableSize && buf.get(end) != 0) {
            end++;
        }
        byte[] b = new byte[end - start];
        buf.get(start, b);
        return new String(b, StandardCharsets.UTF_8);
    }

    public String name() {
        return name;
    }

    public List<Section> sections() {
        return sections;
    }

    public List<Symbol> symbols() {
        return symbols;
    }

    public byte[] contents(Section s) {
        if (s.type() == SHT_NOBITS) {
            return new byte[(int) s.size()];
        }
        byte[] b = new byte[(int) s.size()];
        buf.get((int) s.offset(), b);
        return b;
    }

    /** The entries of a {@code SHT_REL} section. */
    public List<Rel> rels(Section s) throws LoadException {
        if (s.entsize() != 16 && s.entsize() != 0) {
            throw bad("relocation section " + s.name() + " has entry size " + s.entsize() + ", expected 16");
        }
        List<Rel> out = new ArrayList<>();
        for (long p = s.offset(); p + 16 <= s.offset() + s.size(); p += 16) {
            long info = buf.getLong((int) p + 8);
            int sym = (int) (info >>> 32);
            if (sym < 0 || sym >= symbols.size()) {
                throw bad("relocation in " + s.name() + " names symbol " + sym + " beyond the symbol table");
            }
            out.add(new Rel(buf.getLong((int) p), sym, (int) info));
        }
        return out;
    }
}
