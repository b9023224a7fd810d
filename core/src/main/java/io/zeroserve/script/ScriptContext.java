package io.zeroserve.script;

import io.zeroserve.ebpf.HelperCall;
import io.zeroserve.ebpf.HelperException;
import io.zeroserve.ebpf.RunObserver;
import io.zeroserve.script.json.JsonNode;

import java.io.ByteArrayOutputStream;

/**
 * One run of one script entry point: its handle table, footprint and output slots, plus the request state it
 * shares with the rest of the chain. Passed to helpers as {@link HelperCall#host()}.
 */
final class ScriptContext implements RunObserver {
    /** Bytes {@code zs_log} buffers before writing a line without a newline. */
    static final int LOG_LINE_LIMIT = 512;

    final RequestRun run;
    final LoadedScript script;
    /** 0 for a request script, +1 per {@code zs_call}. */
    final int depth;
    /** The response being finished when this context runs a response hook, else null. */
    final ResponseHead hookHead;
    /** The handle table, made on the first handle (most runs make none). */
    private ObjectTable objects;
    private long footprint;
    ScriptResponse response;
    String proxyUrl;
    boolean abort;
    /** What {@code zs_log} buffered for the current line; made on the first {@code zs_log}. */
    private ByteArrayOutputStream logBuffer;

    ScriptContext(RequestRun run, LoadedScript script, int depth, ResponseHead hookHead) {
        this.run = run;
        this.script = script;
        this.depth = depth;
        this.hookHead = hookHead;
    }

    static ScriptContext of(HelperCall call) throws HelperException {
        if (call.host() instanceof ScriptContext ctx) {
            return ctx;
        }
        throw new HelperException("helper called outside a request");
    }

    ScriptHost host() {
        return run.chain.host();
    }

    /** zeroserve's line for a script that kept the CPU past {@code --script-throttle-ms}. */
    @Override
    public void throttled(String section) {
        host().log("[script_runtime] " + run.request.requestId() + ": " + script.name() + ": throttling");
    }

    /** Charges host memory against {@code --max-request-external-memory-footprint-kb}. */
    void charge(long bytes) throws HelperException {
        long limit = host().options().maxFootprintBytes();
        if (bytes > limit - footprint) {
            throw new HelperException("external memory footprint exceeded (" + (footprint + bytes) + " > "
                    + limit + " bytes)");
        }
        footprint += bytes;
    }

    long footprint() {
        return footprint;
    }

    /** Charges and registers a new document, returning its handle. */
    long addJson(JsonNode root) throws HelperException {
        charge(root.footprint());
        return objects().add(JsonCursor.of(root));
    }

    JsonCursor json(long handle) throws HelperException {
        return objects().get(handle);
    }

    ObjectTable objects() {
        if (objects == null) {
            objects = new ObjectTable();
        }
        return objects;
    }

    void log(byte[] msg) {
        if (logBuffer == null) {
            logBuffer = new ByteArrayOutputStream();
        }
        int newline = -1;
        for (int i = 0; i < msg.length; i++) {
            if (msg[i] == '\n') {
                newline = i;
                break;
            }
        }
        if (newline < 0 && logBuffer.size() < LOG_LINE_LIMIT) {
            logBuffer.write(msg, 0, msg.length);
            return;
        }
        int rest = 0;
        if (newline >= 0) {
            logBuffer.write(msg, 0, newline);
            rest = newline + 1;
        }
        flushLog();
        logBuffer.write(msg, rest, msg.length - rest);
    }

    /** Writes what {@code zs_log} buffered, if anything, as one line. */
    void flushLog() {
        if (logBuffer == null || logBuffer.size() == 0) {
            return;
        }
        byte[] text = logBuffer.toByteArray();
        logBuffer.reset();
        StringBuilder line = new StringBuilder(text.length);
        for (byte b : text) {
            // Only printable ASCII and TAB reach the log, so a script cannot forge log lines or terminal codes.
            line.append(b == '\t' || b >= 0x20 && b < 0x7f ? (char) b : '?');
        }
        host().log("[user_log] " + run.request.requestId() + ": " + script.name() + ": " + line);
    }
}
