package io.zeroserve.site;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.zeroserve.TestSites;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file kept in memory but larger than the 64 KiB read buffer used while indexing (perf/run's 100 KB file): every
 * chunk must land at its own place in the cached copy. Found by perf/run, where zeroserve failed to start with
 * "Range [65536, 65536 + 36864) out of bounds".
 */
class CachedFileLargerThanOneReadTest {
    @TempDir
    Path dir;

    @Test
    void aCachedFileOfSeveralReadsIsCopiedWhole() throws Exception {
        byte[] big = new byte[100 * 1024];
        new Random(7).nextBytes(big);
        Path file = dir.resolve("site.tar");
        TestSites.create().file("big.bin", big).writeTo(file);
        Site site = Site.open(file, SiteOptions.DEFAULTS);
        TarEntry entry = site.lookup(RequestPath.normalize("/big.bin"));
        assertNotNull(entry.cached(), "100 KB is under the default cache file limit");
        assertArrayEquals(big, entry.cached());
        assertArrayEquals(big, site.readAll(entry));
    }
}
