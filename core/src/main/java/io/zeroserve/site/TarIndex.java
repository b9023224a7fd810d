package io.zeroserve.site;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarFile;

/**
 * The index of a site tar: path to byte range, built once at load. Nothing is extracted; bodies are read later by
 * position from the same file. Memory grows with the number of entries, plus the small-file cache (bounded).
 */
public final class TarIndex {
    private final Map<String, TarEntry> files;
    private final Set<String> directories;

    private TarIndex(Map<String, TarEntry> files, Set<String> directories) {
        this.files = files;
        this.directories = directories;
    }

    public TarEntry file(String path) {
        return files.get(path);
    }

    /** True for directories named in the tar and those implied by file paths; {@code ""} is the root. */
    public boolean isDirectory(String path) {
        return directories.contains(path);
    }

    public int fileCount() {
        return files.size();
    }

    public Map<String, TarEntry> files() {
        return files;
    }

    /**
     * Reads the headers of {@code tar} through {@code channel} and hashes every file.
     *
     * @param cacheFileLimit files up to this size are kept in memory ...
     * @param cacheBudget    ... until their total reaches this many bytes
     */
    static TarIndex build(Path tar, FileChannel channel, int cacheFileLimit, long cacheBudget)
            throws SiteLoadException {
        List<TarArchiveEntry> entries;
        long tarSize;
        try {
            tarSize = channel.size();
            // A fresh channel for commons-compress, which closes what it is given.
            try (TarFile tarFile = new TarFile(Files.newByteChannel(tar, StandardOpenOption.READ), 512, 512,
                    StandardCharsets.UTF_8.name(), false)) {
                entries = tarFile.getEntries();
            }
        } catch (IOException | RuntimeException e) {
            throw new SiteLoadException(tar + ": not a readable tar archive: " + describe(e), e);
        }
        if (entries.isEmpty()) {
            throw new SiteLoadException(tar + ": not a tar archive, or an empty one (no entries found)");
        }
        Map<String, TarEntry> files = new HashMap<>();
        Set<String> directories = new HashSet<>();
        directories.add("");
        MessageDigest sha256 = sha256();
        ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
        long cacheUsed = 0;
        int index = 0;
        for (TarArchiveEntry entry : entries) {
            index++;
            String rawName = entry.getName();
            String where = tar + ": entry #" + index + " '" + printable(rawName) + "'";
            if (rawName.indexOf('?') >= 0 && !rawHeaderNameIsUtf8(channel, entry)) {
                throw new SiteLoadException(where + ": name is not valid UTF-8");
            }
            String path = normalizeEntryName(rawName, where);
            if (entry.isDirectory()) {
                addParents(directories, path + "/x");
                continue;
            }
            if (!entry.isFile() || entry.isLink() || entry.isSymbolicLink() || entry.isSparse()) {
                continue; // links, devices and sparse files are not served, as zeroserve's packer never writes them
            }
            if (path.isEmpty()) {
                throw new SiteLoadException(where + ": a file entry with an empty name");
            }
            long offset = entry.getDataOffset();
            long size = entry.getSize();
            if (offset < 0 || size < 0 || offset + size > tarSize) {
                throw new SiteLoadException(where + ": truncated (its " + size + " bytes at offset " + offset
                        + " run past the end of the " + tarSize + "-byte file)");
            }
            boolean cache = size <= cacheFileLimit && cacheUsed + size <= cacheBudget;
            byte[] contents = cache ? new byte[(int) size] : null;
            String etag = hash(channel, offset, size, sha256, buffer, contents, where);
            if (cache) {
                cacheUsed += size;
            }
            long mtime = entry.getLastModifiedTime() == null ? 0 : entry.getLastModifiedTime().toMillis() / 1000;
            files.put(path, new TarEntry(path, offset, size, Math.max(0, mtime), etag, contents));
            addParents(directories, path);
        }
        if (files.isEmpty()) {
            throw new SiteLoadException(tar + ": the tar holds no regular files, so there is nothing to serve");
        }
        return new TarIndex(Map.copyOf(files), Set.copyOf(directories));
    }

    /**
     * zeroserve's rule: strip a leading {@code ./} and leading or trailing slashes. Absolute names and {@code ..}
     * segments are refused rather than rewritten, since they mean the tar was not made for serving.
     */
    static String normalizeEntryName(String name, String where) throws SiteLoadException {
        if (name.startsWith("/")) {
            throw new SiteLoadException(where + ": absolute path names are not allowed in a site tar");
        }
        String path = name;
        while (path.startsWith("./")) {
            path = path.substring(2);
        }
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        if (path.equals(".")) {
            return "";
        }
        for (String segment : path.split("/", -1)) {
            if (segment.equals("..")) {
                throw new SiteLoadException(where + ": '..' in a path name is not allowed in a site tar");
            }
            if (segment.isEmpty() || segment.equals(".")) {
                throw new SiteLoadException(where + ": empty or '.' path segment");
            }
        }
        if (path.indexOf('\0') >= 0) {
            throw new SiteLoadException(where + ": NUL in path name");
        }
        return path;
    }

    /**
     * commons-compress decodes UTF-8 names leniently, turning bad bytes into {@code ?}. For the rare name that has
     * one, look at the ustar header itself (the block before the data): its name and prefix fields must decode.
     */
    private static boolean rawHeaderNameIsUtf8(FileChannel channel, TarArchiveEntry entry) {
        long headerAt = entry.getDataOffset() - 512;
        if (headerAt < 0) {
            return true;
        }
        ByteBuffer header = ByteBuffer.allocate(512);
        try {
            channel.read(header, headerAt);
        } catch (IOException e) {
            return true; // the read error surfaces when the contents are hashed
        }
        byte[] bytes = header.array();
        return decodes(bytes, 0, 100) && decodes(bytes, 345, 155);
    }

    private static boolean decodes(byte[] bytes, int offset, int length) {
        int end = offset;
        while (end < offset + length && bytes[end] != 0) {
            end++;
        }
        try {
            StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes, offset, end - offset));
            return true;
        } catch (java.nio.charset.CharacterCodingException e) {
            return false;
        }
    }

    private static void addParents(Set<String> directories, String path) {
        int slash = path.lastIndexOf('/');
        while (slash > 0) {
            String parent = path.substring(0, slash);
            if (!directories.add(parent)) {
                return;
            }
            slash = parent.lastIndexOf('/');
        }
    }

    private static String hash(FileChannel channel, long offset, long size, MessageDigest sha256, ByteBuffer buffer,
                               byte[] contents, String where) throws SiteLoadException {
        sha256.reset();
        long position = offset;
        long end = offset + size;
        int filled = 0;
        try {
            while (position < end) {
                buffer.clear();
                buffer.limit((int) Math.min(buffer.capacity(), end - position));
                int n = channel.read(buffer, position);
                if (n < 0) {
                    throw new SiteLoadException(where + ": truncated (end of file inside its contents)");
                }
                buffer.flip();
                if (contents != null) {
                    buffer.get(0, contents, filled, n);
                    filled += n;
                }
                sha256.update(buffer);
                position += n;
            }
        } catch (IOException e) {
            throw new SiteLoadException(where + ": read failed: " + describe(e), e);
        }
        byte[] digest = sha256.digest();
        return "\"" + HexFormat.of().formatHex(digest, 0, 16) + "\"";
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static String printable(String name) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < name.length() && out.length() < 200; i++) {
            char c = name.charAt(i);
            out.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return out.toString();
    }

    static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    /** Reads the whole of a file's contents (for templating and scripts); the caller bounds the size. */
    static byte[] readAll(FileChannel channel, TarEntry entry) throws IOException {
        if (entry.cached() != null) {
            return entry.cached();
        }
        byte[] out = new byte[Math.toIntExact(entry.size())];
        ByteBuffer target = ByteBuffer.wrap(out);
        long position = entry.dataOffset();
        while (target.hasRemaining()) {
            int n = channel.read(target, position);
            if (n < 0) {
                throw new IOException("end of file inside " + entry.path());
            }
            position += n;
        }
        return out;
    }
}
