package io.zeroserve.proxy;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A backend URL as {@code zs_reverse_proxy} takes it: {@code http://} or {@code https://}, a host, an optional port,
 * and an optional base path and query that every proxied request is joined onto; or {@code unix/} followed by the
 * absolute path of a Unix domain socket ({@code unix//run/app.sock}, zeroserve's form, as Caddy dials it).
 *
 * @param tls       {@code https://}
 * @param host      the host name or IP literal (IPv6 without brackets); {@code localhost} for a Unix socket
 * @param port      the port, defaulted from the scheme; 0 for a Unix socket
 * @param basePath  the path prefix, {@code ""} when none (never ends in {@code /})
 * @param baseQuery the query without {@code ?}, {@code ""} when none
 * @param unixPath  the Unix domain socket's path, or null for TCP
 */
public record UpstreamUrl(boolean tls, String host, int port, String basePath, String baseQuery, String unixPath) {
    private static final String UNIX_PREFIX = "unix/";

    /** Parsed URLs, as scripts name the same few backends on every request; cleared when it reaches its limit. */
    private static final ConcurrentHashMap<String, UpstreamUrl> PARSED = new ConcurrentHashMap<>();
    private static final int PARSED_LIMIT = 256;
    /** Longer URLs are parsed every time, so the cache stays small. */
    private static final int CACHED_LENGTH_LIMIT = 512;

    /**
     * Parses a backend URL (from a cache of recent ones: parsing with {@link URI} shows in a proxied request's
     * profile).
     *
     * @throws IllegalArgumentException saying what is wrong with {@code url}
     */
    public static UpstreamUrl parse(String url) {
        UpstreamUrl parsed = PARSED.get(url);
        if (parsed != null) {
            return parsed;
        }
        parsed = parseUncached(url);
        if (url.length() <= CACHED_LENGTH_LIMIT) {
            if (PARSED.size() >= PARSED_LIMIT) {
                PARSED.clear(); // a script that makes up URLs per request just misses; no eviction order needed
            }
            PARSED.put(url, parsed);
        }
        return parsed;
    }

    private static UpstreamUrl parseUncached(String url) {
        if (url.startsWith(UNIX_PREFIX)) {
            String path = url.substring(UNIX_PREFIX.length());
            if (!path.startsWith("/") || path.length() < 2 || path.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("a Unix socket backend is unix/ and an absolute path, as in "
                        + "unix//run/app.sock: '" + url + "'");
            }
            return new UpstreamUrl(false, "localhost", 0, "", "", path);
        }
        String lower = url.toLowerCase(Locale.ROOT);
        boolean tls;
        if (lower.startsWith("http://")) {
            tls = false;
        } else if (lower.startsWith("https://")) {
            tls = true;
        } else {
            throw new IllegalArgumentException("backend URL must start with http:// or https:// (or be unix//path): '"
                    + url + "'");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("backend URL is not a valid URL: '" + url + "' (" + e.getReason() + ")");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("backend URL has no host: '" + url + "'");
        }
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("backend URL must not carry user info: '" + url + "'");
        }
        if (uri.getRawFragment() != null) {
            throw new IllegalArgumentException("backend URL must not carry a fragment: '" + url + "'");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = uri.getPort() >= 0 ? uri.getPort() : tls ? 443 : 80;
        if (port == 0 || port > 65535) {
            throw new IllegalArgumentException("backend URL has an invalid port: '" + url + "'");
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        String query = uri.getRawQuery() == null ? "" : uri.getRawQuery();
        return new UpstreamUrl(tls, host.toLowerCase(Locale.ROOT), port, path, query, null);
    }

    /**
     * The request target sent upstream: the base path joined with {@code path}, and the base query joined with
     * {@code query} by {@code &}.
     *
     * @param path  the request's path, starting with {@code /}
     * @param query the request's raw query without {@code ?}, or null/empty for none
     */
    public String target(String path, String query) {
        String joinedPath = basePath + (path == null || path.isEmpty() ? "/" : path);
        boolean hasQuery = query != null && !query.isEmpty();
        if (baseQuery.isEmpty()) {
            return hasQuery ? joinedPath + "?" + query : joinedPath;
        }
        return hasQuery ? joinedPath + "?" + baseQuery + "&" + query : joinedPath + "?" + baseQuery;
    }

    /**
     * {@code host[:port]} as a Host field names this upstream (the port only when not the scheme's default);
     * {@code localhost} for a Unix socket.
     */
    public String authority() {
        if (unixPath != null) {
            return host;
        }
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return port == (tls ? 443 : 80) ? h : h + ":" + port;
    }

    /** The pool key: connections are shared per (host, port, tls). */
    UpstreamPool.Endpoint endpoint() {
        return new UpstreamPool.Endpoint(host, port, tls, unixPath);
    }

    /** {@code scheme://authority} or {@code unix//path}, for log lines. */
    @Override
    public String toString() {
        if (unixPath != null) {
            return UNIX_PREFIX + unixPath;
        }
        return (tls ? "https://" : "http://") + authority();
    }
}
