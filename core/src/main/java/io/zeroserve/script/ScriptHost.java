package io.zeroserve.script;

import io.zeroserve.ebpf.HelperTable;
import io.zeroserve.ebpf.LoadException;
import io.zeroserve.ebpf.Program;
import io.zeroserve.script.oidc.OidcFlow;
import io.zeroserve.script.ratelimit.RateLimiter;

import java.util.ArrayList;
import java.util.List;

/**
 * The long-lived side of scripting: options, the helper table, the process-wide rate limiter and the OIDC client.
 * Create one per server; every {@link ScriptChain} it loads (the first one and each reload) shares its rate-limit
 * state and OIDC discovery cache. Thread-safe.
 */
public final class ScriptHost {
    private final ScriptOptions options;
    private final HelperTable helpers;
    private final RateLimiter rateLimiter;
    /** OIDC discovery cache and HTTP client (made on first use), shared by every chain like the rate limiter. */
    private final OidcFlow oidc;

    private ScriptHost(ScriptOptions options) {
        this.options = options;
        this.helpers = ScriptHelpers.table();
        this.rateLimiter = new RateLimiter(options.maxRateLimitBuckets(), options.wallClockMs());
        this.oidc = OidcFlow.create(options.wallClockMs());
    }

    public static ScriptHost create(ScriptOptions options) {
        return new ScriptHost(options);
    }

    public ScriptOptions options() {
        return options;
    }

    /** The helper names scripts can link against (for tests and {@code --dump-sdk} checks). */
    public HelperTable helpers() {
        return helpers;
    }

    RateLimiter rateLimiter() {
        return rateLimiter;
    }

    OidcFlow oidc() {
        return oidc;
    }

    void log(String line) {
        options.log().accept(line);
    }

    /**
     * Loads (verifies and compiles) scripts in the given order: plugins first, then the site's scripts sorted by
     * path. Any failure fails the whole load, so a reload can keep the previous chain.
     *
     * @param site the main site's files for {@code zs_load_static_json}, or null for a standalone script
     * @throws ScriptLoadException naming the file, the section and the reason
     */
    public ScriptChain load(List<ScriptSource> sources, SiteFiles site) throws ScriptLoadException {
        List<LoadedScript> loaded = new ArrayList<>(sources.size());
        for (ScriptSource s : sources) {
            try {
                Program program = Program.load(s.origin(), s.elf(), helpers, options.runtime());
                loaded.add(new LoadedScript(s.name(), s.origin(), program));
                log("compiled script '" + s.name() + "' (" + s.elf().length + " bytes)");
            } catch (LoadException e) {
                String msg = e.getMessage() == null ? "load failed" : e.getMessage();
                throw new ScriptLoadException(msg.startsWith(s.origin()) ? msg : s.origin() + ": " + msg, e);
            }
        }
        return new ScriptChain(this, loaded, site);
    }

    /** A chain with no scripts: every request falls through untouched. */
    public ScriptChain empty(SiteFiles site) {
        return new ScriptChain(this, List.of(), site);
    }
}
