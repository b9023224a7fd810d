package io.zeroserve;

import io.zeroserve.script.ScriptConfig;
import io.zeroserve.http.HostSettings;
import io.zeroserve.http.RequestLog;
import io.zeroserve.net.ListenAddress;
import io.zeroserve.site.SiteOptions;
import io.zeroserve.tls.TlsSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Everything a server is started with. Immutable; made by {@link ZeroServe.Builder} (and by the CLI from flags).
 *
 * @param site              the site tar
 * @param siteOptions       lookup and cache rules
 * @param addresses         plaintext listeners ({@code --addr}); default {@code 0.0.0.0:8080}
 * @param transport         {@code auto}, {@code io_uring} or {@code nio} ({@code --transport}); default auto
 * @param validateHostnames answer 421 to a request whose Host is not a valid host name
 * @param requestLogging    one log line per request (default on)
 * @param requestLog        where request and reload lines go (default stderr)
 * @param host              connection limits, timeouts, PROXY protocol
 * @param reloadSignalFile  a file whose change in contents triggers a reload, polled every second
 * @param scripts           plugins and script limits (the site's own scripts come from the site)
 * @param tlsAddresses      HTTPS listeners ({@code --tls-addr}); default none
 * @param tls               certificates and keys for them; present whenever {@code tlsAddresses} is not empty
 *                          (without certificate flags: a self-signed certificate)
 * @param http1FastPath     answer plain HTTP/1.1 GET/HEAD requests for in-memory files without Helidon's request
 *                          objects (default on; the responses are the same, see {@code Http1FastPath})
 */
public record ServerConfig(Path site, SiteOptions siteOptions, List<ListenAddress> addresses, String transport,
                           boolean validateHostnames, boolean requestLogging, RequestLog requestLog, HostSettings host,
                           Optional<Path> reloadSignalFile, ScriptConfig scripts, List<ListenAddress> tlsAddresses,
                           Optional<TlsSettings> tls, boolean http1FastPath) {
    public ServerConfig {
        addresses = List.copyOf(addresses);
        tlsAddresses = List.copyOf(tlsAddresses);
    }
}
