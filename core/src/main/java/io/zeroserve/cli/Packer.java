package io.zeroserve.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * {@code --pack DIR}: writes a directory as a site tar. Deterministic: entries in sorted path order, owner 0:0 with
 * no names, modes 0755 (directories) and 0644 (files), each file's own mtime (clamped to {@code SOURCE_DATE_EPOCH}
 * when that is set), so the same directory packs to the same bytes. Only directories and regular files are packed;
 * symlinks and special files are skipped, as zeroserve does.
 */
public final class Packer {
    private final Path root;
    private final Long sourceDateEpoch;

    /** @param sourceDateEpoch upper bound for mtimes in Unix seconds, or null */
    public Packer(Path root, Long sourceDateEpoch) {
        this.root = root;
        this.sourceDateEpoch = sourceDateEpoch;
    }

    /** The files and directories to pack, relative to the root, sorted by their tar path. */
    public List<Path> entries() throws IOException {
        if (!Files.isDirectory(root)) {
            throw new IOException(root + ": not a directory");
        }
        List<Path> entries = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.filter(p -> !p.equals(root))
                    .filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)
                            || Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    .map(root::relativize)
                    .forEach(entries::add);
        }
        entries.sort((a, b) -> tarPath(a).compareTo(tarPath(b)));
        return entries;
    }

    /** Packs every entry; {@code contents} may replace a file's bytes (scripts compile their sources this way). */
    public void write(OutputStream out, List<Path> entries, FileContents contents) throws IOException {
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out, "UTF-8")) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            for (Path relative : entries) {
                Path file = root.resolve(relative);
                boolean directory = Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS);
                PackedFile packed = directory ? null : contents.of(relative, file);
                if (!directory && packed == null) {
                    continue;
                }
                String name = directory ? tarPath(relative) + "/" : packed.tarPath();
                TarArchiveEntry entry = new TarArchiveEntry(name);
                entry.setUserId(0);
                entry.setGroupId(0);
                entry.setUserName("");
                entry.setGroupName("");
                entry.setMode(directory ? 040755 : 0100644);
                entry.setModTime(FileTime.fromMillis(mtimeSeconds(file) * 1000));
                if (!directory) {
                    entry.setSize(packed.bytes().length);
                }
                tar.putArchiveEntry(entry);
                if (!directory) {
                    tar.write(packed.bytes());
                }
                tar.closeArchiveEntry();
            }
            tar.finish();
        }
    }

    private long mtimeSeconds(Path file) throws IOException {
        long seconds = Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS).toMillis() / 1000;
        return sourceDateEpoch == null ? seconds : Math.min(seconds, sourceDateEpoch);
    }

    static String tarPath(Path relative) {
        return relative.toString().replace('\\', '/');
    }

    /** A file as it goes into the tar. */
    public record PackedFile(String tarPath, byte[] bytes) {
    }

    /** Supplies a file's packed form; null leaves the file out. */
    @FunctionalInterface
    public interface FileContents {
        PackedFile of(Path relative, Path file) throws IOException;

        /** Every file as it is on disk. */
        static FileContents verbatim() {
            return (relative, file) -> new PackedFile(tarPath(relative), Files.readAllBytes(file));
        }
    }
}
