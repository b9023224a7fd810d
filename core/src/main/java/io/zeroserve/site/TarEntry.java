package io.zeroserve.site;

/**
 * One regular file of the site tar: where its bytes are and what we know about them.
 *
 * @param path        normalized tar path, no leading or trailing slash (e.g. {@code css/site.css})
 * @param dataOffset  byte offset of the file's contents in the tar
 * @param size        length in bytes
 * @param mtimeSeconds modification time from the tar header, in Unix seconds; 0 when absent
 * @param etag        strong entity tag, quoted: the first 16 bytes of the SHA-256 of the contents as 32 lower-hex
 *                    digits
 * @param cached      the contents, for small files kept in memory; null otherwise
 * @param contentType  the MIME type from the file's extension ({@link MimeTypes})
 * @param lastModified {@code mtimeSeconds} as an HTTP date, or null when the mtime is 0; formatted once at load
 *                     because formatting per request is measurable on the hot path
 */
public record TarEntry(String path, long dataOffset, long size, long mtimeSeconds, String etag, byte[] cached,
                       String contentType, String lastModified) {
    /** An entry whose content type and date text are derived from its path and mtime. */
    public TarEntry(String path, long dataOffset, long size, long mtimeSeconds, String etag, byte[] cached) {
        this(path, dataOffset, size, mtimeSeconds, etag, cached, MimeTypes.forPath(path),
                mtimeSeconds == 0 ? null : HttpDates.format(mtimeSeconds));
    }

    /** The etag without quotes, as {@code zs_load_file_metadata} reports it. */
    public String etagHex() {
        return etag.substring(1, etag.length() - 1);
    }
}
