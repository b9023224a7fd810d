package io.zeroserve;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.zeroserve.http.ZeroServeHandler;
import io.zeroserve.site.CurrentSite;
import io.zeroserve.site.Site;
import io.zeroserve.site.SiteLoadException;
import io.zeroserve.site.SiteOptions;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A site tar mounted inside an existing Helidon {@code WebServer}'s routing, served with zeroserve's rules.
 *
 * <pre>{@code
 * ZeroServeService docs = ZeroServeService.create(Path.of("docs.tar"));
 * WebServer.builder().routing(r -> r.register("/docs", docs)).build().start();
 * }</pre>
 *
 * <p>Paths are resolved relative to where the service is registered. Close the service when the server stops, to
 * release the tar file.
 */
public final class ZeroServeService implements HttpService, AutoCloseable {
    private final Path tar;
    private final SiteOptions options;
    private final CurrentSite site;
    private final ZeroServeHandler handler;

    private ZeroServeService(Path tar, SiteOptions options, Site site) {
        this.tar = tar;
        this.options = options;
        this.site = new CurrentSite(site);
        this.handler = new ZeroServeHandler(this.site, false, null);
    }

    /** Mounts {@code tar} with zeroserve's default lookup rules. */
    public static ZeroServeService create(Path tar) throws SiteLoadException {
        return create(tar, SiteOptions.DEFAULTS);
    }

    public static ZeroServeService create(Path tar, SiteOptions options) throws SiteLoadException {
        return new ZeroServeService(tar, options, Site.open(tar, options));
    }

    @Override
    public void routing(HttpRules rules) {
        rules.any(handler);
    }

    /** Loads the tar again and swaps it in; on error the old site stays and the error is returned. */
    public Optional<String> reload() {
        try {
            site.swap(Site.open(tar, options));
            return Optional.empty();
        } catch (SiteLoadException e) {
            return Optional.of(e.getMessage());
        }
    }

    @Override
    public void close() {
        site.close();
    }
}
