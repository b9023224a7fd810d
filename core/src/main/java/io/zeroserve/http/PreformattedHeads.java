package io.zeroserve.http;

import io.helidon.http.DateTime;
import io.zeroserve.site.Site;
import io.zeroserve.site.TarEntry;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;

/**
 * 200 responses for files of the site, laid out byte for byte as Helidon's HTTP/1 code writes the response
 * {@link ZeroServeHandler} builds for them (Date first, the other fields sorted by name, no Connection field on a
 * keep-alive connection): status line, the current Date, then the file's fields formatted once per site.
 * {@code Http1FastPathTest} holds the two paths to the same bytes.
 */
final class PreformattedHeads {
    private static final byte[] STATUS_AND_DATE_NAME = "HTTP/1.1 200 OK\r\nDate: ".getBytes(StandardCharsets.US_ASCII);

    /** The fields after Date for each file of one site; replaced when the site is. */
    private record SiteHeads(Site site, ConcurrentHashMap<String, byte[]> byPath) {
    }

    private volatile SiteHeads heads;

    /**
     * Files above this size are written as head and body separately: copying the body behind the head would cost
     * more than a second write (the transport gathers both into one send anyway).
     */
    static final int JOINED_BODY_LIMIT = 16 * 1024;

    /**
     * The response head, followed by the body when {@code headOnly} is false (then the file must be cached and at
     * most {@link #JOINED_BODY_LIMIT} long).
     */
    byte[] response(Site site, TarEntry entry, boolean headOnly) {
        byte[] date = DateTime.http1Bytes(); // "<date>\r\n", renewed by Helidon once a second
        byte[] fields = fieldsAfterDate(site, entry);
        byte[] body = entry.cached();
        int bodyLength = headOnly ? 0 : body.length;
        byte[] out = new byte[STATUS_AND_DATE_NAME.length + date.length + fields.length + bodyLength];
        int pos = 0;
        System.arraycopy(STATUS_AND_DATE_NAME, 0, out, pos, STATUS_AND_DATE_NAME.length);
        pos += STATUS_AND_DATE_NAME.length;
        System.arraycopy(date, 0, out, pos, date.length);
        pos += date.length;
        System.arraycopy(fields, 0, out, pos, fields.length);
        pos += fields.length;
        if (bodyLength > 0) {
            System.arraycopy(body, 0, out, pos, bodyLength);
        }
        return out;
    }

    private byte[] fieldsAfterDate(Site site, TarEntry entry) {
        SiteHeads current = heads;
        if (current == null || current.site() != site) {
            current = new SiteHeads(site, new ConcurrentHashMap<>());
            heads = current;
        }
        byte[] fields = current.byPath().get(entry.path());
        if (fields == null) {
            fields = format(entry);
            current.byPath().put(entry.path(), fields);
        }
        return fields;
    }

    private static byte[] format(TarEntry entry) {
        StringBuilder text = new StringBuilder(256)
                .append("Accept-Ranges: bytes\r\n")
                .append("Content-Length: ").append(entry.size()).append("\r\n")
                .append("Content-Type: ").append(entry.contentType()).append("\r\n")
                .append("ETag: ").append(entry.etag()).append("\r\n");
        if (entry.lastModified() != null) {
            text.append("Last-Modified: ").append(entry.lastModified()).append("\r\n");
        }
        text.append("Server: zeroserve\r\n\r\n");
        return text.toString().getBytes(StandardCharsets.ISO_8859_1);
    }
}
