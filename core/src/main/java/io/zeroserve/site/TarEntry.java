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
 */
public record TarEntry(String path, long dataOffset, long size, long mtimeSeconds, String etag, byte[] cached) {
    /** The etag without quotes, as {@code zs_load_file_metadata} reports it. */
    public String etagHex() {
        return etag.substring(1, etag.length() - 1);
    }
}
