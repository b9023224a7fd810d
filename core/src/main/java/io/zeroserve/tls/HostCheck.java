package io.zeroserve.tls;

import java.util.Locale;

/**
 * zeroserve's host check for HTTPS: when the client sent SNI, the request's {@code Host} (HTTP/1.1) or
 * {@code :authority} (HTTP/2) must name the same host, ports ignored and case-insensitive; otherwise the answer is
 * 421 Misdirected Request. A missing Host under SNI is also misdirected. Without SNI there is nothing to check.
 * Under ECH, pass the inner SNI ({@link TlsFacts#sniInner()}).
 */
public final class HostCheck {
    private HostCheck() {
    }

    /**
     * @param sni       the server name the TLS handshake acted on, or null
     * @param authority the Host header or :authority, possibly with a port, possibly a bracketed IPv6 literal
     * @return true when the request must be answered with 421
     */
    public static boolean misdirected(String sni, String authority) {
        if (sni == null || sni.isEmpty()) {
            return false;
        }
        if (authority == null || authority.isBlank()) {
            return true;
        }
        return !normalise(hostOf(authority.strip())).equals(normalise(sni));
    }

    /** The host part of {@code authority}: without port, IPv6 brackets removed. */
    static String hostOf(String authority) {
        if (authority.startsWith("[")) {
            int end = authority.indexOf(']');
            return end > 0 ? authority.substring(1, end) : authority;
        }
        int colon = authority.indexOf(':');
        if (colon >= 0 && colon == authority.lastIndexOf(':')) {
            return authority.substring(0, colon);
        }
        return authority;
    }

    private static String normalise(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }
}
