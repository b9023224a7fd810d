package io.zeroserve.script;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The request as scripts see and change it: method, path, query and headers. One per request, shared by every
 * script, callee and hook of that request. Not thread-safe (a request runs its scripts one at a time).
 */
public final class RequestState {
    /** A header field; the name is lowercase. */
    public static final class Field {
        final String name;
        String value;

        Field(String name, String value) {
            this.name = name;
            this.value = value;
        }

        public String name() {
            return name;
        }

        public String value() {
            return value;
        }
    }

    private String method;
    private String rawPath;
    private String query;
    private PathNormalizer.Normalized normalized;
    /** Where the received header fields come from; copied into {@link #headers} on first use. */
    private ScriptRequest received;
    private List<Field> headers;
    private boolean methodChanged;
    private boolean uriChanged;
    private boolean headersChanged;

    RequestState(String method, String rawPath, String query, ScriptRequest headerSource) {
        this.method = method;
        this.rawPath = rawPath == null || rawPath.isEmpty() ? "/" : rawPath;
        this.query = query;
        this.normalized = PathNormalizer.normalize(this.rawPath);
        this.received = headerSource;
    }

    /** The mutable header list, made from the received fields the first time a script looks at headers. */
    private List<Field> fields() {
        if (headers == null) {
            ScriptRequest in = received;
            received = null;
            List<Field> fields = new ArrayList<>();
            StringBuilder[] cookies = new StringBuilder[1];
            in.forEachHeader((rawName, value) -> {
                String name = rawName.toLowerCase(Locale.ROOT);
                if (name.equals("cookie")) {
                    // Repeated Cookie fields reach scripts merged with "; " (RFC 9113 §8.2.3 allows splitting).
                    if (cookies[0] == null) {
                        cookies[0] = new StringBuilder(value);
                    } else {
                        cookies[0].append("; ").append(value);
                    }
                    return;
                }
                fields.add(new Field(name, value));
            });
            if (cookies[0] != null) {
                fields.add(new Field("cookie", cookies[0].toString()));
            }
            headers = fields;
        }
        return headers;
    }

    public String method() {
        return method;
    }

    /** The normalized path with the client's escapes kept, or the raw path when it does not normalize. */
    public String path() {
        return normalized == null ? rawPath : normalized.path();
    }

    /** {@code /} plus the decoded static-lookup key; the raw path when it does not normalize. */
    public String normalizedPath() {
        return normalized == null ? rawPath : normalized.normalizedPath();
    }

    /** The decoded relative lookup key (no leading {@code /}), or null when the path does not normalize. */
    public String lookupKey() {
        return normalized == null ? null : normalized.key();
    }

    /** The raw path was {@code /} or ends in {@code /}. */
    public boolean dirHint() {
        return normalized != null && normalized.dirHint();
    }

    /** The raw query without {@code ?}, or null. */
    public String query() {
        return query;
    }

    /** Path plus {@code ?query} when there is a query. */
    public String uri() {
        return query == null ? path() : path() + "?" + query;
    }

    /** False after a {@code zs_req_set_uri} whose result does not normalize: the server answers 400. */
    public boolean pathValid() {
        return normalized != null;
    }

    public boolean methodChanged() {
        return methodChanged;
    }

    public boolean uriChanged() {
        return uriChanged;
    }

    public boolean headersChanged() {
        return headersChanged;
    }

    /** The header fields in order (live view; names lowercase). */
    public List<Field> headers() {
        return fields();
    }

    /** The last value of a header, or null. Case-insensitive. */
    public String header(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        List<Field> fields = fields();
        for (int i = fields.size() - 1; i >= 0; i--) {
            if (fields.get(i).name.equals(lower)) {
                return fields.get(i).value;
            }
        }
        return null;
    }

    void setMethod(String method) {
        this.method = method;
        methodChanged = true;
    }

    /** Replaces path and query: {@code /path?q}, {@code ?q}, or a target relative to the current directory. */
    void setUri(String uri) {
        String newPath;
        String newQuery;
        int q = uri.indexOf('?');
        String pathPart = q < 0 ? uri : uri.substring(0, q);
        newQuery = q < 0 ? null : uri.substring(q + 1);
        if (pathPart.isEmpty()) {
            newPath = rawPath;
        } else if (pathPart.startsWith("/")) {
            newPath = pathPart;
        } else {
            String base = path();
            newPath = base.substring(0, base.lastIndexOf('/') + 1) + pathPart;
        }
        rawPath = newPath;
        query = newQuery;
        normalized = PathNormalizer.normalize(newPath);
        uriChanged = true;
    }

    /**
     * {@code zs_req_rewrite_uri} and {@code zs_req_rewrite_query}: a new escaped path and raw query (null for none),
     * normalized again. Returns false, changing nothing, when both equal the current {@link #path()} and
     * {@link #query()}.
     */
    boolean rewrite(String newPath, String newQuery) {
        if (newPath.equals(path()) && java.util.Objects.equals(newQuery, query)) {
            return false;
        }
        rawPath = newPath.isEmpty() ? "/" : newPath;
        query = newQuery;
        normalized = PathNormalizer.normalize(rawPath);
        uriChanged = true;
        return true;
    }

    void setHeader(String name, String value) {
        String lower = name.toLowerCase(Locale.ROOT);
        fields().removeIf(f -> f.name.equals(lower));
        if (value != null) {
            fields().add(new Field(lower, value));
        }
        headersChanged = true;
    }

    /** Adds a value: joined to the existing one with {@code ,}; {@code host} is replaced instead. */
    void appendHeader(String name, String value) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.equals("host")) {
            setHeader(lower, value);
            return;
        }
        List<Field> fields = fields();
        for (int i = fields.size() - 1; i >= 0; i--) {
            Field f = fields.get(i);
            if (f.name.equals(lower)) {
                f.value = f.value + "," + value;
                headersChanged = true;
                return;
            }
        }
        fields().add(new Field(lower, value));
        headersChanged = true;
    }

    /** {@code name}, {@code prefix*}, {@code *suffix}, {@code *infix*} or {@code *}; case-insensitive. */
    void deleteHeaders(String pattern) {
        String p = pattern.trim().toLowerCase(Locale.ROOT);
        boolean leading = p.startsWith("*");
        boolean trailing = p.length() > 1 && p.endsWith("*");
        String core = p.substring(leading ? 1 : 0, p.length() - (trailing ? 1 : 0));
        boolean removed = fields().removeIf(f -> {
            if (leading && trailing) {
                return f.name.contains(core);
            } else if (leading) {
                return f.name.endsWith(core); // "*" alone: core is empty and every name ends with ""
            } else if (trailing) {
                return f.name.startsWith(core);
            }
            return f.name.equals(core);
        });
        headersChanged |= removed;
    }

    void markHeadersChanged() {
        headersChanged = true;
    }
}
