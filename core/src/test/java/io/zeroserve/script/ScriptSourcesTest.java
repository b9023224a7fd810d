package io.zeroserve.script;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where scripts come from and in which order; the --pack rules. */
class ScriptSourcesTest {
    @TempDir
    Path tmp;

    private static final String SRC = "#include \"zeroserve.h\"\nZS_ENTRY zs_u64 e(void) { return 0; }\n";

    @Test
    void siteScriptsAreSortedByPathAndNamedBelowTheScriptsDir() throws Exception {
        Map<String, byte[]> files = Map.of("./.zeroserve/scripts/b.o", new byte[] {2},
                ".zeroserve/scripts/a/z.o", new byte[] {1}, ".zeroserve/scripts/B.o", new byte[] {3},
                ".zeroserve/scripts/readme.txt", new byte[0], "index.html", new byte[0], "x.o", new byte[0]);
        List<ScriptSource> s = ScriptSources.fromSite("site.tar", files.keySet(), files::get);
        assertEquals(List.of("B.o", "a/z.o", "b.o"), s.stream().map(ScriptSource::name).toList());
        assertEquals("site.tar:.zeroserve/scripts/a/z.o", s.get(1).origin());
    }

    @Test
    void packRules() {
        assertEquals(ScriptPack.Action.COMPILE, ScriptPack.classify(".zeroserve/scripts/x/a.C", p -> false));
        assertEquals(ScriptPack.Action.SKIP, ScriptPack.classify(".zeroserve/scripts/a.o",
                p -> p.equals(".zeroserve/scripts/a.c")));
        assertEquals(ScriptPack.Action.COPY, ScriptPack.classify(".zeroserve/scripts/b.o", p -> false));
        assertEquals(ScriptPack.Action.COPY, ScriptPack.classify("src/main.c", p -> false));
        assertEquals(".zeroserve/scripts/a.o", ScriptPack.objectPath(".zeroserve/scripts/a.c"));
    }

    @Test
    void pluginsComeFirstInTheOrderGiven() throws Exception {
        Assumptions.assumeTrue(ScriptCompiler.available());
        Path c = tmp.resolve("one.c");
        Files.writeString(c, SRC);
        Path o = tmp.resolve("two.o");
        Files.write(o, ScriptCompiler.compile("two.c", SRC.getBytes(StandardCharsets.UTF_8)));
        Path tar = tmp.resolve("three.tar");
        try (OutputStream out = Files.newOutputStream(tar); TarArchiveOutputStream t = new TarArchiveOutputStream(out)) {
            byte[] obj = Files.readAllBytes(o);
            TarArchiveEntry e = new TarArchiveEntry(".zeroserve/scripts/in-tar.o");
            e.setSize(obj.length);
            t.putArchiveEntry(e);
            t.write(obj);
            t.closeArchiveEntry();
        }
        Path dir = tmp.resolve("plugdir");
        Files.createDirectories(dir.resolve(".zeroserve/scripts/sub"));
        Files.writeString(dir.resolve(".zeroserve/scripts/sub/d.c"), SRC);
        Files.write(dir.resolve(".zeroserve/scripts/sub/d.o"), new byte[] {1, 2, 3}); // stale, shadowed by d.c
        Files.write(dir.resolve(".zeroserve/scripts/a.o"), Files.readAllBytes(o));
        List<ScriptSource> s = ScriptSources.plugins(List.of(c, o, tar), List.of(dir));
        assertEquals(List.of("one.o", "two.o", "in-tar.o", "a.o", "sub/d.o"),
                s.stream().map(ScriptSource::name).toList());
        assertTrue(s.get(4).elf().length > 3, "compiled from d.c, not the stale d.o");
    }

    @Test
    void compileErrorNamesTheFile() throws Exception {
        Assumptions.assumeTrue(ScriptCompiler.available());
        Path c = tmp.resolve("bad.c");
        Files.writeString(c, "ZS_ENTRY nope");
        ScriptLoadException e = assertThrows(ScriptLoadException.class, () -> ScriptSources.fromFile(c));
        assertTrue(e.getMessage().contains(c + ": compilation failed"), e.getMessage());
    }
}
