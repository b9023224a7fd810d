package io.zeroserve.script;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** {@code <zs-meta> key </zs-meta>} templating of static HTML and XML. Works on bytes, so any encoding passes. */
public final class MetaTemplate {
    private static final byte[] OPEN = "<zs-meta>".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLOSE = "</zs-meta>".getBytes(StandardCharsets.US_ASCII);

    private MetaTemplate() {
    }

    /** Each tag is replaced by the value of its trimmed key, or by nothing when the key is unknown. */
    public static byte[] render(byte[] body, Metadata metadata) {
        int start = indexOf(body, OPEN, 0);
        if (start < 0) {
            return body;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 64);
        int pos = 0;
        while (start >= 0) {
            int keyStart = start + OPEN.length;
            int end = indexOf(body, CLOSE, keyStart);
            if (end < 0) {
                break;
            }
            out.write(body, pos, start - pos);
            String key = new String(body, keyStart, end - keyStart, StandardCharsets.UTF_8).trim();
            String value = metadata.get(key);
            if (value != null) {
                out.writeBytes(value.getBytes(StandardCharsets.UTF_8));
            }
            pos = end + CLOSE.length;
            start = indexOf(body, OPEN, pos);
        }
        out.write(body, pos, body.length - pos);
        return out.toByteArray();
    }

    private static int indexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = from; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
