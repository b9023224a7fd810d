package io.zeroserve.http;

import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.zeroserve.site.CurrentSite;
import io.zeroserve.site.HttpDates;
import io.zeroserve.site.MimeTypes;
import io.zeroserve.site.RequestPath;
import io.zeroserve.site.Site;
import io.zeroserve.site.StaticDecision;
import io.zeroserve.site.TarEntry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * The one handler behind every listener: zeroserve's request pipeline. Log, host checks (421), path
 * normalisation (400), then the static site (GET and HEAD; 404 on a miss, 405 for other methods).
 *
 * <p>Runs on the request's thread: the connection's virtual thread for HTTP/1, the stream's for HTTP/2.
 */
public final class ZeroServeHandler implements Handler {
    static final Header SERVER = HeaderValues.createCached(HeaderNames.SERVER, "zeroserve");
    static final Header TEXT_PLAIN = HeaderValues.createCached(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    private static final Header ACCEPT_RANGES = HeaderValues.createCached(HeaderNames.ACCEPT_RANGES, "bytes");
    private static final int CHUNK = 64 * 1024;
    private static final ArrayBlockingQueue<byte[]> CHUNKS = new ArrayBlockingQueue<>(64);

    private final CurrentSite site;
    private final boolean validateHostnames;
    private final RequestLog log;

    /**
     * @param log where request lines go; null turns request logging off ({@code --disable-request-logging})
     */
    public ZeroServeHandler(CurrentSite site, boolean validateHostnames, RequestLog log) {
        this.site = site;
        this.validateHostnames = validateHostnames;
        this.log = log;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        if (req.headers().containsToken(HeaderValues.CONNECTION_CLOSE)) {
            ConnectionHost.closeAfterResponse();
        }
        String rawPath = req.path().rawPath();
        if (log != null) {
            String query = req.query().rawValue();
            log.line("[request] " + Ulid.next() + ": " + (req.isSecure() ? "https " : "http ")
                    + Peer.text((java.net.InetSocketAddress) req.remotePeer().address()) + " "
                    + req.prologue().method().text() + " " + (query.isEmpty() ? rawPath : rawPath + "?" + query));
        }
        if (validateHostnames && !HostNames.isValidHostHeader(header(req, HeaderNames.HOST))) {
            error(res, Status.MISDIRECTED_REQUEST_421);
            return;
        }
        RequestPath path = RequestPath.normalize(rawPath);
        if (path == null) {
            error(res, Status.BAD_REQUEST_400);
            return;
        }
        Method method = req.prologue().method();
        boolean head = method.equals(Method.HEAD);
        if (!head && !method.equals(Method.GET)) {
            error(res, Status.METHOD_NOT_ALLOWED_405);
            return;
        }
        Site current = site.acquire();
        try {
            TarEntry entry = current.lookup(path);
            if (entry == null) {
                error(res, Status.NOT_FOUND_404);
                return;
            }
            serveFile(req, res, current, entry, head);
        } finally {
            current.release();
        }
    }

    private static void serveFile(ServerRequest req, ServerResponse res, Site site, TarEntry entry, boolean head) {
        StaticDecision decision = StaticDecision.decide(entry,
                header(req, HeaderNames.IF_NONE_MATCH), header(req, HeaderNames.IF_MODIFIED_SINCE),
                header(req, HeaderNames.RANGE), header(req, HeaderNames.IF_RANGE));
        res.header(SERVER);
        switch (decision.status()) {
            case 304 -> {
                res.status(Status.NOT_MODIFIED_304);
                res.header(HeaderNames.ETAG, entry.etag());
                res.send();
                return;
            }
            case 416 -> {
                res.status(Status.REQUESTED_RANGE_NOT_SATISFIABLE_416);
                res.header(HeaderNames.CONTENT_RANGE, "bytes */" + entry.size());
                res.send();
                return;
            }
            case 206 -> {
                res.status(Status.PARTIAL_CONTENT_206);
                res.header(HeaderNames.CONTENT_RANGE, "bytes " + decision.start() + "-"
                        + (decision.start() + decision.length() - 1) + "/" + entry.size());
            }
            default -> {
            }
        }
        res.header(HeaderNames.CONTENT_TYPE, MimeTypes.forPath(entry.path()));
        res.header(HeaderNames.ETAG, entry.etag());
        if (entry.mtimeSeconds() != 0) {
            res.header(HeaderNames.LAST_MODIFIED, HttpDates.format(entry.mtimeSeconds()));
        }
        res.header(ACCEPT_RANGES);
        sendBody(res, site, entry, decision.start(), decision.length(), head);
    }

    /** Sends {@code length} bytes of {@code entry} from {@code start}: from memory when cached, else streamed. */
    static void sendBody(ServerResponse res, Site site, TarEntry entry, long start, long length, boolean head) {
        if (head) {
            res.contentLength(length);
            res.send();
            return;
        }
        byte[] cached = entry.cached();
        if (cached != null) {
            res.send(cached, (int) start, (int) length);
            return;
        }
        res.contentLength(length);
        byte[] chunk = CHUNKS.poll();
        if (chunk == null) {
            chunk = new byte[CHUNK];
        }
        try (OutputStream out = res.outputStream()) {
            long offset = start;
            long end = start + length;
            ByteBuffer buffer = ByteBuffer.wrap(chunk);
            while (offset < end) {
                buffer.clear();
                buffer.limit((int) Math.min(chunk.length, end - offset));
                int n = site.read(entry, offset, buffer);
                if (n <= 0) {
                    throw new IOException("tar file shrank while serving " + entry.path());
                }
                out.write(chunk, 0, n);
                offset += n;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            CHUNKS.offer(chunk);
        }
    }

    /** A built-in error page: the reason phrase as {@code text/plain}, with {@code Server: zeroserve}. */
    static void error(ServerResponse res, Status status) {
        res.status(status);
        res.header(SERVER);
        res.header(TEXT_PLAIN);
        res.send(status.reasonPhrase().getBytes(StandardCharsets.US_ASCII));
    }

    private static String header(ServerRequest req, HeaderName name) {
        var headers = req.headers();
        return headers.contains(name) ? headers.get(name).get() : null;
    }

    /** Host header syntax, for {@code --validate-hostnames}. */
    static final class HostNames {
        private HostNames() {
        }

        /** A DNS name (RFC 1123 labels) or an IP literal, with an optional port. */
        static boolean isValidHostHeader(String host) {
            if (host == null || host.isEmpty() || host.length() > 260) {
                return false;
            }
            String name = host;
            if (name.startsWith("[")) {
                int close = name.indexOf(']');
                if (close < 0) {
                    return false;
                }
                String rest = name.substring(close + 1);
                return name.substring(1, close).matches("[0-9a-fA-F:.]+") && (rest.isEmpty() || validPort(rest));
            }
            int colon = name.lastIndexOf(':');
            if (colon >= 0) {
                if (!validPort(name.substring(colon))) {
                    return false;
                }
                name = name.substring(0, colon);
            }
            if (name.endsWith(".")) {
                name = name.substring(0, name.length() - 1);
            }
            if (name.isEmpty() || name.length() > 253) {
                return false;
            }
            for (String label : name.toLowerCase(Locale.ROOT).split("\\.", -1)) {
                if (!label.matches("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")) {
                    return false;
                }
            }
            return true;
        }

        private static boolean validPort(String colonAndPort) {
            return colonAndPort.matches(":[0-9]{1,5}") && Integer.parseInt(colonAndPort.substring(1)) <= 65535;
        }
    }
}
