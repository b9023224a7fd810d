package io.zeroserve.script;

import io.zeroserve.ebpf.HelperException;
import io.zeroserve.ebpf.Invocation;
import io.zeroserve.ebpf.ProgramFault;
import io.zeroserve.script.json.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * The loaded scripts of one configuration, in run order. Immutable and thread-safe: every request calls
 * {@link #run(ScriptRequest)} on its own thread; a reload builds a new chain while in-flight requests finish on
 * the old one.
 *
 * <p>Per request: every script with {@code zeroserve.tls.request} runs first (TLS connections only), then every
 * script with {@code zeroserve.request}, in order. Each run gets a fresh context (handles from 1, footprint 0,
 * own response slot); the request, the metadata map, the hooks and the body limit are shared. The first script
 * that responds, proxies or aborts ends the chain; a fault ends it with a 500.
 */
public final class ScriptChain {
    public static final String REQUEST_SECTION = "zeroserve.request";
    public static final String TLS_REQUEST_SECTION = "zeroserve.tls.request";
    public static final String CALL_SECTION_PREFIX = "zeroserve.call.";
    /** A call made from this depth is refused (the request script runs at 0). */
    public static final int MAX_CALL_DEPTH = 8;
    /**
     * How many times {@code zs_res_continue_request} may run a request's scripts again; asking once more answers
     * 500 (a hook that always continues would otherwise loop forever).
     */
    public static final int MAX_RERUNS = 8;

    private static final byte[] NO_CALLDATA = new byte[0];
    /** Calldata of call entries and hooks: the little-endian u64 1, the handle of the input in the callee. */
    private static final byte[] INPUT_HANDLE_CALLDATA = {1, 0, 0, 0, 0, 0, 0, 0};

    private final ScriptHost host;
    private final List<LoadedScript> scripts;
    private final SiteFiles site;
    /** The scripts with a {@code zeroserve.tls.request} entry, then those with {@code zeroserve.request}. */
    private final LoadedScript[] tlsPass;
    private final LoadedScript[] requestPass;

    ScriptChain(ScriptHost host, List<LoadedScript> scripts, SiteFiles site) {
        this.host = host;
        this.scripts = List.copyOf(scripts);
        this.site = site;
        this.tlsPass = this.scripts.stream().filter(s -> s.has(TLS_REQUEST_SECTION)).toArray(LoadedScript[]::new);
        this.requestPass = this.scripts.stream().filter(s -> s.has(REQUEST_SECTION)).toArray(LoadedScript[]::new);
    }

    ScriptHost host() {
        return host;
    }

    /** The main site's files, or null for a standalone script. */
    SiteFiles site() {
        return site;
    }

    public boolean isEmpty() {
        return scripts.isEmpty();
    }

    /** Script names in run order. */
    public List<String> scriptNames() {
        List<String> names = new ArrayList<>();
        for (LoadedScript s : scripts) {
            names.add(s.name());
        }
        return names;
    }

    /** Runs the chain for one request. Never throws for script misbehaviour: that becomes a FAULT result. */
    public ScriptResult run(ScriptRequest request) {
        return runPasses(new RequestRun(this, request));
    }

    /**
     * {@code zs_res_continue_request}: a response hook of {@code previous} suppressed the response
     * ({@link ResponseHead#continueRequested()}), so the request scripts run again, both passes, on the same request
     * as the scripts and hooks left it (method, URI, headers), with the same metadata and body; the hooks registered
     * so far are dropped. After {@link #MAX_RERUNS} such runs, the next ask gets a FAULT result (500) instead, and a
     * log line. The handler then treats the result as it treats {@link #run}'s.
     */
    public ScriptResult rerun(ScriptResult previous) {
        RequestRun run = previous.run();
        run.hooks.clear();
        if (run.reruns >= MAX_RERUNS) {
            String reason = "zs_res_continue_request: the request scripts already ran again " + MAX_RERUNS + " times";
            host.log("[script_runtime] " + run.request.requestId() + ": " + reason + ", answering 500");
            return ScriptResult.fault(run, reason);
        }
        run.reruns++;
        return runPasses(run);
    }

    private ScriptResult runPasses(RequestRun run) {
        // The TLS pass only when some script has one: asking for the connection facts is not free.
        boolean tls = tlsPass.length > 0 && run.connection().tls();
        for (int pass = tls ? 0 : 1; pass < 2; pass++) {
            String section = pass == 0 ? TLS_REQUEST_SECTION : REQUEST_SECTION;
            for (LoadedScript script : pass == 0 ? tlsPass : requestPass) {
                ScriptContext ctx = new ScriptContext(run, script, 0, null);
                try {
                    invoke(ctx, section, NO_CALLDATA);
                } catch (ProgramFault f) {
                    String reason = f.getMessage();
                    logFailure(ctx, section, reason);
                    return ScriptResult.fault(run, script.name(), section, reason);
                } finally {
                    ctx.flushLog();
                }
                if (ctx.abort) {
                    return ScriptResult.of(run, ScriptResult.Action.ABORT, null, null);
                }
                if (ctx.response != null) {
                    return ScriptResult.of(run, ScriptResult.Action.RESPOND, ctx.response, null);
                }
                if (ctx.proxyUrl != null) {
                    return ScriptResult.of(run, ScriptResult.Action.PROXY, null, ctx.proxyUrl);
                }
            }
        }
        if (!run.state.pathValid()) {
            return ScriptResult.of(run, ScriptResult.Action.BAD_REQUEST, null, null);
        }
        return ScriptResult.of(run, ScriptResult.Action.CONTINUE, null, null);
    }

    /**
     * {@code zs_call}: runs {@code zeroserve.call.<function>} of {@code scriptName} with a deep copy of
     * {@code input}, returning a handle to a copy of the result in the caller's table, or -1.
     */
    long call(ScriptContext caller, String scriptName, String function, JsonNode input) throws HelperException {
        if (caller.depth >= MAX_CALL_DEPTH) {
            return -1;
        }
        LoadedScript target = find(scriptName);
        String section = CALL_SECTION_PREFIX + function;
        if (target == null || !target.has(section)) {
            return -1;
        }
        ScriptContext callee = new ScriptContext(caller.run, target, caller.depth + 1, caller.hookHead);
        JsonNode result;
        try {
            try {
                // The input counts against the callee's footprint; too large an input fails the call, not the caller.
                callee.addJson(input.deepCopy());
            } catch (HelperException e) {
                logFailure(callee, section, e.getMessage());
                return -1;
            }
            long r0 = invoke(callee, section, INPUT_HANDLE_CALLDATA);
            if (r0 < 0) {
                return -1;
            }
            try {
                result = callee.json(r0).node.deepCopy();
            } catch (HelperException e) {
                return -1;
            }
        } catch (ProgramFault f) {
            logFailure(callee, section, f.getMessage());
            return -1;
        } finally {
            callee.flushLog();
        }
        return caller.addJson(result);
    }

    /**
     * Runs the registered response hooks on {@code head}, in registration order. A hook that faults is logged and
     * its changes to {@code head} are rolled back; a hook whose script or function is missing is logged and
     * skipped.
     */
    void runHooks(RequestRun run, ResponseHead head) {
        for (Hook hook : List.copyOf(run.hooks)) {
            LoadedScript target = find(hook.script());
            String section = CALL_SECTION_PREFIX + hook.function();
            if (target == null || !target.has(section)) {
                host.log("[script_runtime] " + run.request.requestId() + ": response hook '" + hook.script() + "' '"
                        + hook.function() + "' not found, skipped");
                continue;
            }
            ResponseHead snapshot = head.copy();
            ScriptContext ctx = new ScriptContext(run, target, 1, head);
            try {
                ctx.addJson(hook.input().deepCopy());
                invoke(ctx, section, INPUT_HANDLE_CALLDATA);
            } catch (ProgramFault | HelperException f) {
                logFailure(ctx, section, f.getMessage());
                head.restore(snapshot);
            } finally {
                ctx.flushLog();
            }
        }
    }

    private long invoke(ScriptContext ctx, String section, byte[] calldata) throws ProgramFault {
        try {
            return ctx.script.program().invoke(new Invocation(section, calldata, ctx, 0));
        } catch (RuntimeException e) {
            // A host bug must not take the server down: report it as a fault of this run.
            throw new ProgramFault(ProgramFault.Kind.INTERNAL, section, -1, "internal error: " + e);
        }
    }

    private void logFailure(ScriptContext ctx, String section, String reason) {
        host.log("[script_runtime] " + ctx.run.request.requestId() + ": script '" + ctx.script.name() + "' section '"
                + section + "' failed: " + reason);
    }

    /** By name, with or without {@code .o}. */
    LoadedScript find(String name) {
        for (LoadedScript s : scripts) {
            if (s.name().equals(name) || s.name().equals(name + ".o")) {
                return s;
            }
        }
        return null;
    }
}
