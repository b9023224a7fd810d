package io.zeroserve.proxy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * zeroserve's header rules for proxying: hop-by-hop fields are dropped in both directions, with every field the
 * Connection field names (a protocol upgrade the proxy tunnels is asked for again, explicitly); upstream, Host is
 * kept, X-Forwarded-For gets the client's address appended and X-Forwarded-Proto and X-Forwarded-Host are added
 * only when absent. Names come out lowercase.
 */
final class ForwardedHeaders {
    /** Connection-specific fields (RFC 9110 §7.6.1), plus {@code alt-svc}, as zeroserve strips them. */
    static final Set<String> HOP_BY_HOP = Set.of("alt-svc", "connection", "proxy-connection", "proxy-authenticate",
            "proxy-authorization", "keep-alive", "te", "trailer", "transfer-encoding", "upgrade");

    private ForwardedHeaders() {
    }

    /**
     * The header fields to send upstream, without framing fields (the proxy writes Content-Length or
     * Transfer-Encoding for the body it sends) and without {@code Expect} (the server answered it already).
     */
    static List<String[]> upstream(List<Map.Entry<String, String>> client, String clientAddress, String scheme,
                                   UpstreamUrl url, String upgrade) {
        Set<String> dropped = connectionTokens(client);
        List<String[]> out = new ArrayList<>(client.size() + 3);
        String host = null;
        StringBuilder forwardedFor = null;
        boolean hasProto = false;
        boolean hasHost = false;
        for (Map.Entry<String, String> field : client) {
            String name = field.getKey().toLowerCase(Locale.ROOT);
            if (HOP_BY_HOP.contains(name) || dropped.contains(name) || name.equals("content-length")
                    || name.equals("expect")) {
                continue;
            }
            switch (name) {
                case "host" -> {
                    if (host != null) {
                        continue; // one Host only
                    }
                    host = field.getValue();
                }
                case "x-forwarded-for" -> {
                    forwardedFor = forwardedFor == null ? new StringBuilder(field.getValue())
                            : forwardedFor.append(", ").append(field.getValue());
                    continue; // written once below, with the client appended
                }
                case "x-forwarded-proto" -> hasProto = true;
                case "x-forwarded-host" -> hasHost = true;
                default -> {
                }
            }
            out.add(new String[] {name, field.getValue()});
        }
        if (host == null) {
            host = url.authority(); // HTTP/1.1 needs one; the client (HTTP/1.0) sent none
            out.add(0, new String[] {"host", host});
        }
        if (clientAddress != null) {
            out.add(new String[] {"x-forwarded-for",
                    forwardedFor == null ? clientAddress : forwardedFor.append(", ").append(clientAddress).toString()});
        } else if (forwardedFor != null) {
            out.add(new String[] {"x-forwarded-for", forwardedFor.toString()});
        }
        if (!hasProto) {
            out.add(new String[] {"x-forwarded-proto", scheme});
        }
        if (!hasHost) {
            out.add(new String[] {"x-forwarded-host", host});
        }
        if (upgrade != null) {
            // The one hop-by-hop exchange a proxy passes on: the client's request to switch protocols.
            out.add(new String[] {"connection", "upgrade"});
            out.add(new String[] {"upgrade", upgrade});
        }
        return out;
    }

    /** The response fields to pass to the client: without hop-by-hop fields and without Content-Length. */
    static List<Map.Entry<String, String>> downstream(List<Map.Entry<String, String>> upstream) {
        Set<String> dropped = connectionTokens(upstream);
        List<Map.Entry<String, String>> out = new ArrayList<>(upstream.size());
        for (Map.Entry<String, String> field : upstream) {
            String name = field.getKey();
            if (HOP_BY_HOP.contains(name) || dropped.contains(name) || name.equals("content-length")) {
                continue;
            }
            out.add(field);
        }
        return out;
    }

    /** The lowercase field names listed in every Connection field. */
    static Set<String> connectionTokens(List<Map.Entry<String, String>> fields) {
        Set<String> tokens = null;
        for (Map.Entry<String, String> field : fields) {
            if (field.getKey().equalsIgnoreCase("connection")) {
                for (String token : field.getValue().split(",")) {
                    String t = token.strip().toLowerCase(Locale.ROOT);
                    if (!t.isEmpty()) {
                        if (tokens == null) {
                            tokens = new HashSet<>();
                        }
                        tokens.add(t);
                    }
                }
            }
        }
        return tokens == null ? Set.of() : tokens;
    }

    /** True when a Connection field of {@code fields} lists {@code token}. */
    static boolean hasConnectionToken(List<Map.Entry<String, String>> fields, String token) {
        return connectionTokens(fields).contains(token);
    }
}
