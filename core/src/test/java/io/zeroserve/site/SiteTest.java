package io.zeroserve.site;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zeroserve.TestSites;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SiteTest {
    @TempDir
    Path dir;

    private Site open(byte[] tar) throws Exception {
        Path file = dir.resolve("site.tar");
        Files.write(file, tar);
        return Site.open(file, SiteOptions.DEFAULTS);
    }

    private SiteLoadException failure(byte[] tar) {
        Path file = dir.resolve("bad.tar");
        try {
            Files.write(file, tar);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return assertThrows(SiteLoadException.class, () -> Site.open(file, SiteOptions.DEFAULTS));
    }

    private static String lookup(Site site, String raw) throws IOException {
        TarEntry entry = site.lookup(RequestPath.normalize(raw));
        return entry == null ? null : new String(site.readAll(entry), StandardCharsets.UTF_8);
    }

    @Test
    void indexesFilesAndServesThemByPosition() throws Exception {
        Site site = open(TestSites.standard().bytes());
        assertEquals("hello, world\n", lookup(site, "/hello.txt"));
        TarEntry big = site.lookup(RequestPath.normalize("/big.bin"));
        assertNull(big.cached(), "files over the cache limit are read from the tar");
        ByteBuffer part = ByteBuffer.allocate(100);
        site.read(big, 1_000_000, part);
        byte[] expected = Arrays.copyOfRange(TestSites.standard().contents("big.bin"), 1_000_000, 1_000_100);
        assertArrayEquals(expected, part.array());
        assertEquals(TestSites.MTIME, big.mtimeSeconds());
        assertTrue(big.etag().matches("\"[0-9a-f]{32}\""));
    }

    @Test
    void lookupOrder() throws Exception {
        Site site = open(TestSites.standard().bytes());
        assertEquals("<h1>home</h1>", lookup(site, "/"));
        assertEquals("<h1>docs</h1>", lookup(site, "/docs/"));
        assertEquals("<h1>docs</h1>", lookup(site, "/docs"), "index.html even without a trailing slash");
        assertEquals("deep", lookup(site, "/nested/deep"));
        assertNull(lookup(site, "/nested"), "no index in /nested");
        assertNull(lookup(site, "/about"), "no --try-html");
    }

    @Test
    void customIndexAndTryHtml() throws Exception {
        Path file = dir.resolve("site.tar");
        TestSites.standard().writeTo(file);
        Site site = Site.open(file, new SiteOptions("custom.htm", true, 1024, 1 << 20));
        assertEquals("custom index", lookup(site, "/docs/"));
        assertEquals("<h1>docs</h1>", lookup(site, "/docs/index.html"));
        assertEquals("<h1>about</h1>", lookup(site, "/about"));
        assertNull(lookup(site, "/about.html.html"));
    }

    @Test
    void nothingUnderDotZeroserveIsServed() throws Exception {
        Site site = open(TestSites.standard().bytes());
        assertNull(lookup(site, "/.zeroserve/secret.txt"));
        assertNull(lookup(site, "/.zeroserve/"));
        assertNull(lookup(site, "/x/../.zeroserve/secret.txt"));
        assertNotNull(site.fileAt(".zeroserve/secret.txt"), "scripts may still read it by tar path");
    }

    @Test
    void smallFilesAreCachedWithinTheBudget() throws Exception {
        Path file = dir.resolve("site.tar");
        TestSites.create().file("a.txt", "aaaa").file("b.txt", "bbbb").file("c.txt", "cccc").writeTo(file);
        Site site = Site.open(file, new SiteOptions("index.html", false, 1024, 8));
        long cached = site.index().files().values().stream().filter(e -> e.cached() != null).count();
        assertEquals(2, cached, "an 8-byte budget holds two 4-byte files");
        assertEquals("cccc", lookup(site, "/c.txt"));
    }

    @Test
    void cachedFilesLargerThanOneReadChunkKeepTheirBytes() throws Exception {
        byte[] medium = new byte[100_000]; // over the 64 KiB hashing chunk, under the 256 KiB cache limit
        for (int i = 0; i < medium.length; i++) {
            medium[i] = (byte) (i * 7 + (i >>> 9));
        }
        Site site = open(TestSites.create().file("m.bin", medium).bytes());
        TarEntry entry = site.lookup(RequestPath.normalize("/m.bin"));
        assertNotNull(entry.cached());
        assertArrayEquals(medium, entry.cached());
    }

    @Test
    void impliedDirectoriesCount() throws Exception {
        Site site = open(TestSites.create().file("a/b/c.txt", "x").file("a/b/index.html", "i").bytes());
        assertTrue(site.index().isDirectory("a"));
        assertTrue(site.index().isDirectory("a/b"));
        assertEquals("i", lookup(site, "/a/b"));
    }

    @Test
    void leadingDotSlashIsStripped() throws Exception {
        Site site = open(new RawTar().file("./x/y.txt", "y").finish());
        assertEquals("y", lookup(site, "/x/y.txt"));
    }

    @Test
    void truncatedTar() {
        byte[] whole = TestSites.standard().bytesUnchecked();
        SiteLoadException e = failure(Arrays.copyOf(whole, whole.length / 2));
        assertTrue(e.getMessage().contains("bad.tar"), e.getMessage());
        assertTrue(e.getMessage().toLowerCase().contains("truncated"), e.getMessage());
    }

    @Test
    void dataRunningPastTheEnd() {
        byte[] tar = new RawTar().entry("a.txt".getBytes(StandardCharsets.UTF_8), '0', new byte[10], 1_000_000)
                .unfinished();
        SiteLoadException e = failure(tar);
        assertTrue(e.getMessage().toLowerCase().contains("truncated"), e.getMessage());
    }

    @Test
    void dotDotEntryIsRefused() {
        SiteLoadException e = failure(new RawTar().file("ok.txt", "ok").file("a/../../etc/passwd", "x").finish());
        assertTrue(e.getMessage().contains("'..'"), e.getMessage());
        assertTrue(e.getMessage().contains("entry #2"), e.getMessage());
    }

    @Test
    void absoluteEntryIsRefused() {
        SiteLoadException e = failure(new RawTar().file("/etc/passwd", "x").finish());
        assertTrue(e.getMessage().contains("absolute"), e.getMessage());
    }

    @Test
    void nonUtf8NameIsRefused() {
        byte[] name = {'a', (byte) 0xff, (byte) 0xfe, '.', 't', 'x', 't'};
        SiteLoadException e = failure(new RawTar().entry(name, '0', "x".getBytes(), 1).finish());
        assertTrue(e.getMessage().contains("UTF-8"), e.getMessage());
    }

    @Test
    void giantPaxHeaderIsRefusedWithoutExhaustingMemory() {
        // A pax extended header claiming 8 GiB: reading it would need the memory; it must fail cleanly.
        byte[] tar = new RawTar().entry("PaxHeaders/x".getBytes(StandardCharsets.UTF_8), 'x', new byte[512],
                8L << 30).unfinished();
        SiteLoadException e = failure(tar);
        assertTrue(e.getMessage().contains("bad.tar"), e.getMessage());
    }

    @Test
    void notATar() {
        SiteLoadException e = failure("this is just some text, not a tar archive at all\n".repeat(20)
                .getBytes(StandardCharsets.UTF_8));
        assertTrue(e.getMessage().contains("bad.tar"), e.getMessage());
    }

    @Test
    void emptyTarHasNothingToServe() {
        SiteLoadException e = failure(new byte[1024]);
        assertTrue(e.getMessage().contains("bad.tar"), e.getMessage());
    }

    @Test
    void directoryInsteadOfTar() {
        SiteLoadException e = assertThrows(SiteLoadException.class, () -> Site.open(dir, SiteOptions.DEFAULTS));
        assertTrue(e.getMessage().contains("is a directory"), e.getMessage());
        assertTrue(e.getMessage().contains("--pack"), e.getMessage());
    }

    @Test
    void missingFile() {
        SiteLoadException e = assertThrows(SiteLoadException.class,
                () -> Site.open(dir.resolve("nope.tar"), SiteOptions.DEFAULTS));
        assertTrue(e.getMessage().contains("nope.tar: no such file"), e.getMessage());
    }

    @Test
    void releasedSiteClosesItsFile() throws Exception {
        Site site = open(TestSites.standard().bytes());
        assertTrue(site.retain());
        site.release();
        site.release();
        assertTrue(!site.retain(), "a site whose last reference was dropped cannot be retained again");
    }
}
