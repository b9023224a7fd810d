package io.zeroserve.script;

import io.zeroserve.ebpf.Program;
import io.zeroserve.ebpf.LoadException;
import io.zeroserve.ebpf.RuntimeOptions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Every SDK example compiles with clang-19 and links only against helpers the host provides; the header compiles
 * freestanding; a compile error carries clang's diagnostics.
 */
class ExamplesTest {
    static final Path SDK = Path.of("..", "scripts-sdk").toAbsolutePath().normalize();

    static Stream<Path> examples() throws Exception {
        try (Stream<Path> s = Files.list(SDK.resolve("examples"))) {
            return s.filter(p -> p.toString().endsWith(".c")).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("examples")
    void exampleCompilesAndLinksAgainstKnownHelpers(Path source) throws Exception {
        Assumptions.assumeTrue(ScriptCompiler.available(), "clang is not installed");
        byte[] elf = ScriptCompiler.compile(source.getFileName().toString(), Files.readAllBytes(source));
        assertEquals(247, ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN).getShort(18), "EM_BPF");
        Set<String> known = ScriptHost.create(ScriptOptions.defaults()).helpers().names();
        for (String sym : undefinedSymbols(elf)) {
            assertTrue(known.contains(sym), source.getFileName() + " references unknown helper " + sym);
        }
        assertTrue(sectionNames(elf).stream().anyMatch(n -> n.startsWith("zeroserve.")),
                "has an entry section: " + sectionNames(elf));
        assertTrue(!sectionNames(elf).contains(".bss"), ".bss cannot be loaded");
    }

    @Test
    void sdkHeaderIsTheShippedOneAndIsFreestanding() throws Exception {
        assertEquals(Files.readString(SDK.resolve("zeroserve.h")), ScriptCompiler.sdkHeader());
        Assumptions.assumeTrue(ScriptCompiler.available(), "clang is not installed");
        byte[] src = "#include \"zeroserve.h\"\nZS_ENTRY zs_u64 e(void) { return zs_strlen(\"x\"); }\n"
                .getBytes(StandardCharsets.UTF_8);
        assertTrue(ScriptCompiler.compile("t.c", src).length > 0);
    }

    @Test
    void everyDeclaredHelperIsProvidedOrDeclaredUnsupported() {
        Set<String> declared = new TreeSet<>();
        var m = java.util.regex.Pattern.compile("extern[^;(]*?\\b(\\w+)\\s*\\(").matcher(ScriptCompiler.sdkHeader());
        while (m.find()) {
            declared.add(m.group(1));
        }
        Set<String> known = ScriptHost.create(ScriptOptions.defaults()).helpers().names();
        declared.removeAll(known);
        declared.removeAll(ScriptHelpers.NOT_SUPPORTED_YET);
        assertEquals(Set.of(), declared);
    }

    @Test
    void compileErrorsCarryDiagnostics() {
        Assumptions.assumeTrue(ScriptCompiler.available(), "clang is not installed");
        ScriptLoadException e = assertThrows(ScriptLoadException.class, () -> ScriptCompiler.compile(
                ".zeroserve/scripts/broken.c", "int f( {".getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().startsWith(".zeroserve/scripts/broken.c: compilation failed"), e.getMessage());
        assertTrue(e.getMessage().contains(".zeroserve/scripts/broken.c:1:"), e.getMessage());
    }

    // ---- A minimal ELF64 reader: section names and undefined symbols.

    static List<String> sectionNames(byte[] elf) {
        ByteBuffer b = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
        long shoff = b.getLong(0x28);
        int shentsize = b.getShort(0x3a) & 0xffff;
        int shnum = b.getShort(0x3c) & 0xffff;
        int shstrndx = b.getShort(0x3e) & 0xffff;
        long strOff = b.getLong((int) (shoff + (long) shstrndx * shentsize + 0x18));
        List<String> names = new ArrayList<>();
        for (int i = 0; i < shnum; i++) {
            int nameOff = b.getInt((int) (shoff + (long) i * shentsize));
            names.add(cstr(elf, (int) (strOff + nameOff)));
        }
        return names;
    }

    static List<String> undefinedSymbols(byte[] elf) {
        ByteBuffer b = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
        long shoff = b.getLong(0x28);
        int shentsize = b.getShort(0x3a) & 0xffff;
        int shnum = b.getShort(0x3c) & 0xffff;
        List<String> out = new ArrayList<>();
        for (int i = 0; i < shnum; i++) {
            int base = (int) (shoff + (long) i * shentsize);
            if (b.getInt(base + 4) != 2) { // SHT_SYMTAB
                continue;
            }
            long off = b.getLong(base + 0x18);
            long size = b.getLong(base + 0x20);
            int link = b.getInt(base + 0x28);
            long strOff = b.getLong((int) (shoff + (long) link * shentsize + 0x18));
            for (long s = off; s < off + size; s += 24) {
                int name = b.getInt((int) s);
                int shndx = b.getShort((int) s + 6) & 0xffff;
                if (shndx == 0 && name != 0) {
                    out.add(cstr(elf, (int) (strOff + name)));
                }
            }
        }
        return out;
    }

    private static String cstr(byte[] b, int off) {
        int end = off;
        while (b[end] != 0) {
            end++;
        }
        return new String(b, off, end - off, StandardCharsets.US_ASCII);
    }

    static boolean runtimeAvailable() {
        try {
            Program.load("probe", new byte[0], io.zeroserve.ebpf.HelperTable.builder().build(),
                    RuntimeOptions.defaults());
            return true;
        } catch (LoadException e) {
            return !String.valueOf(e.getMessage()).contains("not built yet");
        }
    }
}
