package io.zeroserve.proxy;

import java.io.InputStream;
import java.util.List;
import java.util.Map;

/**
 * The client's request as it goes upstream: after the scripts' changes, before the proxy's header rules.
 *
 * @param method        the method (a script may have changed it)
 * @param path          the request path, starting with {@code /} (joined onto the backend's base path)
 * @param query         the raw query without {@code ?}, or null
 * @param headers       the client's header fields as the scripts left them (names in any case); hop-by-hop fields
 *                      are still in, the proxy strips them
 * @param clientAddress the client's IP address, appended to X-Forwarded-For
 * @param scheme        {@code http} or {@code https}: the client's, for X-Forwarded-Proto
 * @param body          the body to send
 * @param bodyLimit     the most body bytes allowed ({@code zs_req_body_limit}), or -1 for no limit
 * @param upgrade       the protocol the client asks to switch to ({@code websocket}), sent upstream with
 *                      {@code Connection: upgrade}; null for none (Upgrade is then stripped as hop-by-hop)
 */
public record ProxyRequest(String method, String path, String query, List<Map.Entry<String, String>> headers,
                           String clientAddress, String scheme, Body body, long bodyLimit, String upgrade) {
    /** A request that does not ask to switch protocols. */
    public ProxyRequest(String method, String path, String query, List<Map.Entry<String, String>> headers,
                        String clientAddress, String scheme, Body body, long bodyLimit) {
        this(method, path, query, headers, clientAddress, scheme, body, bodyLimit, null);
    }

    /**
     * A request body: none, bytes already read (the body scripts buffered), or a stream still to read.
     *
     * @param bytes  the whole body, or null
     * @param stream the body to read, or null
     * @param length the body's length when known (always for {@code bytes}), -1 when not: it then goes upstream
     *               chunked
     */
    public record Body(byte[] bytes, InputStream stream, long length) {
        private static final Body NONE = new Body(null, null, -1);

        public static Body none() {
            return NONE;
        }

        public static Body of(byte[] bytes) {
            return new Body(bytes, null, bytes.length);
        }

        /** @param length the declared length (Content-Length), or -1 when unknown */
        public static Body stream(InputStream stream, long length) {
            return new Body(null, stream, length);
        }

        public boolean isNone() {
            return bytes == null && stream == null;
        }

        /** Sent again as it is if a first attempt fails before anything of it was read. */
        boolean replayable() {
            return stream == null;
        }
    }
}
