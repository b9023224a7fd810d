package io.zeroserve;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Site tars for tests, written with commons-compress. */
public final class TestSites {
    /** The mtime every test file gets: 2024-01-02T03:04:05Z. */
    public static final long MTIME = 1_704_164_645L;

    private final Map<String, byte[]> files = new LinkedHashMap<>();

    public static TestSites create() {
        return new TestSites();
    }

    /** The standard test site used by the HTTP suite. */
    public static TestSites standard() {
        byte[] big = new byte[3 * 1024 * 1024 + 17];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31 + (i >>> 11));
        }
        return create()
                .file("index.html", "<h1>home</h1>")
                .file("hello.txt", "hello, world\n")
                .file("style.css", "body{}")
                .file("app.js", "let x;")
                .file("data.json", "{\"a\":1}")
                .file("logo.PNG", "png")
                .file("feed.xml", "<feed/>")
                .file("blob.bin", "bin")
                .file("docs/index.html", "<h1>docs</h1>")
                .file("docs/custom.htm", "custom index")
                .file("about.html", "<h1>about</h1>")
                .file("space name.txt", "spaced")
                .file("caf\u00e9.txt", "unicode")
                .file("empty.txt", "")
                .file(".zeroserve/secret.txt", "hidden")
                .file("nested/deep/index.html", "deep")
                .file("big.bin", big);
    }

    public TestSites file(String path, String contents) {
        return file(path, contents.getBytes(StandardCharsets.UTF_8));
    }

    public TestSites file(String path, byte[] contents) {
        files.put(path, contents);
        return this;
    }

    public byte[] contents(String path) {
        return files.get(path);
    }

    /** {@link #bytes()} for callers that cannot throw. */
    public byte[] bytesUnchecked() {
        try {
            return bytes();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public Path writeTo(Path tar) throws IOException {
        Files.write(tar, bytes());
        return tar;
    }

    public byte[] bytes() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(out);
        return out.toByteArray();
    }

    private void write(OutputStream out) throws IOException {
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out, "UTF-8")) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                TarArchiveEntry entry = new TarArchiveEntry(file.getKey());
                entry.setSize(file.getValue().length);
                entry.setModTime(FileTime.fromMillis(MTIME * 1000));
                tar.putArchiveEntry(entry);
                tar.write(file.getValue());
                tar.closeArchiveEntry();
            }
        }
    }

    /**
     * The transport the HTTP suite runs on: {@code -Dzeroserve.test.transport=nio|io_uring}, default auto. When
     * io_uring is asked for by name and the kernel refuses it, the calling test is skipped with the kernel's reason.
     */
    public static String transport() {
        String transport = System.getProperty("zeroserve.test.transport", "auto");
        if (transport.equals("io_uring")) {
            io.zeroserve.net.IoUringSupport.assumeAvailable();
        }
        return transport;
    }
}
