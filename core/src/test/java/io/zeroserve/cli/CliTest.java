package io.zeroserve.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zeroserve.site.Site;
import io.zeroserve.site.SiteOptions;
import io.zeroserve.site.RequestPath;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line: flags, errors as one clear line and an exit status, --pack. */
class CliTest {
    @TempDir
    Path dir;

    record Run(int status, String out, byte[] outBytes, String err) {
    }

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(out, true), new PrintStream(err, true));
        return new Run(status, out.toString(StandardCharsets.UTF_8), out.toByteArray(),
                err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void helpVersionAndManual() {
        Run help = run("--help");
        assertEquals(0, help.status());
        assertTrue(help.out().contains("--addr ADDR"));
        assertTrue(help.out().contains("--pack DIR"));
        Run version = run("--version");
        assertEquals(0, version.status());
        assertTrue(version.out().startsWith("zeroserve "));
        Run manual = run("--manual");
        assertEquals(0, manual.status());
        assertTrue(manual.out().contains("SIGHUP"), "the manual explains deploys");
    }

    @Test
    void usageErrorsExitWithTwo() {
        Run unknown = run("--frobnicate", "site.tar");
        assertEquals(2, unknown.status());
        assertTrue(unknown.err().contains("unknown flag '--frobnicate'"), unknown.err());
        Run noSite = run("--addr", "127.0.0.1:0");
        assertEquals(2, noSite.status());
        assertTrue(noSite.err().contains("no site given"), noSite.err());
        Run badAddr = run("--addr", "nope", "site.tar");
        assertEquals(2, badAddr.status());
        assertTrue(badAddr.err().contains("bad address 'nope'"), badAddr.err());
        Run noValue = run("site.tar", "--index");
        assertEquals(2, noValue.status());
        assertTrue(noValue.err().contains("--index needs a value"), noValue.err());
        Run badTransport = run("--transport", "carrier-pigeon", "site.tar");
        assertEquals(2, badTransport.status());
    }

    @Test
    void siteErrorsExitWithOneAndNameTheFile() throws Exception {
        Run missing = run("--addr", "127.0.0.1:0", dir.resolve("missing.tar").toString());
        assertEquals(1, missing.status());
        assertTrue(missing.err().contains("missing.tar: no such file"), missing.err());
        Run directory = run("--addr", "127.0.0.1:0", dir.toString());
        assertEquals(1, directory.status());
        assertTrue(directory.err().contains("is a directory"), directory.err());
        Path notTar = Files.writeString(dir.resolve("notes.txt"), "just text\n".repeat(100));
        Run text = run("--addr", "127.0.0.1:0", notTar.toString());
        assertEquals(1, text.status());
        assertTrue(text.err().contains("notes.txt"), text.err());
        assertEquals(1, text.err().strip().lines().count(), "one clear line: " + text.err());
    }

    @Test
    void addressInUseIsOneClearLine() throws Exception {
        Path site = dir.resolve("site");
        Files.createDirectories(site);
        Files.writeString(site.resolve("index.html"), "hi");
        Path tar = dir.resolve("site.tar");
        Files.write(tar, run("--pack", site.toString()).outBytes());
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Run busy = run("--addr", "127.0.0.1:" + taken.getLocalPort(), "--transport", "nio", tar.toString());
            assertEquals(1, busy.status());
            assertTrue(busy.err().contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()), busy.err());
            assertTrue(busy.err().toLowerCase().contains("in use"), busy.err());
        }
    }

    @Test
    void packIsDeterministicAndServable() throws Exception {
        Path site = dir.resolve("site");
        Files.createDirectories(site.resolve("b/c"));
        Files.createDirectories(site.resolve(".zeroserve"));
        Files.writeString(site.resolve("index.html"), "<h1>hi</h1>");
        Files.writeString(site.resolve("b/c/deep.txt"), "deep");
        Files.writeString(site.resolve("a.txt"), "a");
        Files.writeString(site.resolve(".zeroserve/config.json"), "{}");
        Files.createSymbolicLink(site.resolve("link.txt"), site.resolve("a.txt"));
        for (Path p : new Path[] {site.resolve("index.html"), site.resolve("a.txt")}) {
            Files.setLastModifiedTime(p, FileTime.fromMillis(1_700_000_000_000L));
        }
        Run first = run("--pack", site.toString());
        Run second = run("--pack", site.toString());
        assertEquals(0, first.status(), first.err());
        assertArrayEquals(first.outBytes(), second.outBytes(), "the same directory packs to the same bytes");
        Path tar = dir.resolve("packed.tar");
        Files.write(tar, first.outBytes());
        Site packed = Site.open(tar, SiteOptions.DEFAULTS);
        assertEquals("<h1>hi</h1>", new String(packed.readAll(packed.lookup(RequestPath.normalize("/"))),
                StandardCharsets.UTF_8));
        assertEquals(1_700_000_000L, packed.lookup(RequestPath.normalize("/a.txt")).mtimeSeconds());
        assertEquals("deep", new String(packed.readAll(packed.lookup(RequestPath.normalize("/b/c/deep.txt"))),
                StandardCharsets.UTF_8));
        assertEquals(null, packed.lookup(RequestPath.normalize("/link.txt")), "symlinks are not packed");
        assertEquals(4, packed.index().fileCount());
        packed.release();
    }

    @Test
    void packOfAMissingDirectoryFailsWithoutOutput() {
        Run missing = run("--pack", dir.resolve("nope").toString());
        assertEquals(1, missing.status());
        assertEquals(0, missing.outBytes().length, "no half tar on stdout");
        assertTrue(missing.err().contains("nope"), missing.err());
    }
}
