package io.zeroserve.script;

/**
 * The main site's files as {@code zs_load_static_json} and {@code zs_load_file_metadata} see them: by verbatim tar
 * path (no leading {@code /}, no normalization, no index lookup). Implementations must be thread-safe.
 */
public interface SiteFiles {
    /** @param size bytes; @param etag 32 lowercase hex digits; @param mtime Unix seconds */
    record FileInfo(long size, String etag, long mtime) {
    }

    /** The file's contents, or null when there is no such regular file. */
    byte[] read(String path);

    /** The file's facts, or null when there is no such regular file. */
    FileInfo info(String path);
}
