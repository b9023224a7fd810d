package io.zeroserve.cli;

import io.zeroserve.ZeroServe;
import io.zeroserve.script.ScriptCompiler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --pack} with scripts, {@code --dump-sdk} and the script flags. */
class ScriptPackTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private Map<String, byte[]> tarEntries() throws Exception {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (TarArchiveInputStream t = new TarArchiveInputStream(new ByteArrayInputStream(out.toByteArray()))) {
            TarArchiveEntry e;
            while ((e = t.getNextEntry()) != null) {
                entries.put(e.getName(), e.isDirectory() ? null : t.readAllBytes());
            }
        }
        return entries;
    }

    @Test
    void packCompilesScriptsAndLeavesSourcesOut() throws Exception {
        Assumptions.assumeTrue(ScriptCompiler.available());
        Path scripts = Files.createDirectories(dir.resolve(".zeroserve/scripts/sub"));
        Files.writeString(scripts.resolve("a.c"), "#include \"zeroserve.h\"\nZS_ENTRY zs_u64 e(void) { return 0; }\n");
        Files.write(scripts.resolve("a.o"), new byte[] {9}); // stale: rebuilt from a.c
        Files.write(scripts.resolve("b.o"), new byte[] {7}); // no source: kept
        Files.writeString(dir.resolve("index.html"), "<h1>x</h1>");
        Files.writeString(dir.resolve("tool.c"), "int main;"); // outside the scripts dir: stored verbatim
        assertEquals(0, run("--pack", dir.toString()), err.toString());
        Map<String, byte[]> tar = tarEntries();
        byte[] a = tar.get(".zeroserve/scripts/sub/a.o");
        assertEquals(247, (a[18] & 0xff) | (a[19] & 0xff) << 8, "an eBPF object");
        assertTrue(!tar.containsKey(".zeroserve/scripts/sub/a.c"), tar.keySet().toString());
        assertArrayEquals(new byte[] {7}, tar.get(".zeroserve/scripts/sub/b.o"));
        assertArrayEquals("int main;".getBytes(StandardCharsets.UTF_8), tar.get("tool.c"));
        assertTrue(err.toString().contains("compiling .zeroserve/scripts/sub/a.c -> .zeroserve/scripts/sub/a.o"));
    }

    @Test
    void aCompileErrorWritesNoTar() throws Exception {
        Assumptions.assumeTrue(ScriptCompiler.available());
        Path scripts = Files.createDirectories(dir.resolve(".zeroserve/scripts"));
        Files.writeString(scripts.resolve("bad.c"), "#include \"zeroserve.h\"\nZS_ENTRY zs_u64 e(void) { return x; }\n");
        assertEquals(1, run("--pack", dir.toString()));
        assertEquals(0, out.size(), "nothing on stdout");
        String e = err.toString();
        assertTrue(e.contains(".zeroserve/scripts/bad.c:2:") && e.contains("error:") && e.contains("no tar written"), e);
    }

    @Test
    void theApiGatewaySampleSitePacksAndServes() throws Exception {
        Assumptions.assumeTrue(ScriptCompiler.available());
        Path sample = Path.of("..", "sample-sites", "api-gateway").toAbsolutePath().normalize();
        assertEquals(0, run("--pack", sample.toString()), err.toString());
        Path tar = Files.write(dir.resolve("gateway.tar"), out.toByteArray());
        try (ZeroServe server = ZeroServe.builder().site(tar).address("127.0.0.1:0").requestLogging(false).build()
                .start()) {
            HttpClient client = HttpClient.newHttpClient();
            java.util.function.Function<String, String> get = path -> {
                try {
                    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                            .build(), HttpResponse.BodyHandlers.ofString()).body();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            };
            assertEquals("{\"message\":\"hello, ada\"}", get.apply("/greet?name=ada"));
            assertTrue(get.apply("/healthz").startsWith("{\"status\":\"ok\""));
            assertTrue(get.apply("/?user=zoe").contains("<h1>Hello, zoe!</h1>"));
        }
    }

    @Test
    void dumpSdkPrintsTheHeader() {
        assertEquals(0, run("--dump-sdk"));
        assertEquals(ScriptCompiler.sdkHeader(), out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void scriptFlagsParse() {
        Flags f = Flags.parse(new String[] {"--plugin", "a.tar,b.c", "--plugin-dir=d1,d2", "--ebpf-compiler", "clang",
                "--max-request-external-memory-footprint-kb", "512", "--script-cpu-limit-ms", "100",
                "--script-throttle-ms", "0", "--max-rate-limit-buckets", "5", "site.tar"});
        assertEquals(2, f.plugins().size());
        assertEquals(Path.of("d2"), f.pluginDirs().get(1));
        var options = f.toBuilder().config().scripts().options();
        assertEquals(512 * 1024, options.maxFootprintBytes());
        assertEquals(100, options.runtime().cpuBudget().toMillis());
        assertEquals(0, options.runtime().throttleAfter().toMillis());
        assertEquals(5, options.maxRateLimitBuckets());
        assertEquals(2, run("--ebpf-compiler", "tcc", "x.tar"));
    }
}
