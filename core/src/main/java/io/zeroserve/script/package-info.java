/**
 * The script host: request scripts (eBPF objects compiled from C against {@code scripts-sdk/zeroserve.h}) loaded
 * into a {@link io.zeroserve.script.ScriptChain} and run on every request, with zeroserve's helper surface.
 *
 * <p>How the server uses it:
 * <ol>
 *   <li>{@link io.zeroserve.script.ScriptHost#create} once per server (it owns the helper table and the
 *       process-wide rate limiter, which outlives reloads);</li>
 *   <li>{@link io.zeroserve.script.ScriptSources} finds a site's and the plugins' scripts, compiling C with
 *       {@link io.zeroserve.script.ScriptCompiler}; {@link io.zeroserve.script.ScriptHost#load} loads them all or
 *       fails with a {@link io.zeroserve.script.ScriptLoadException} (a reload then keeps the old chain);</li>
 *   <li>per request, {@link io.zeroserve.script.ScriptChain#run} with a {@link io.zeroserve.script.ScriptRequest}
 *       gives a {@link io.zeroserve.script.ScriptResult}: respond, abort, fault (500), bad request, or fall
 *       through with the request's changes; every response then goes through
 *       {@link io.zeroserve.script.ScriptResult#finishResponse} (metadata headers, response hooks) and, for static
 *       HTML and XML, {@link io.zeroserve.script.ScriptResult#template}.</li>
 * </ol>
 *
 * <p>Helper conventions, written once here and followed by every {@code *Helpers} class:
 * <ul>
 *   <li>C-string outputs are snprintf-like: at most {@code out_len-1} bytes and a NUL; the return is
 *       {@code min(full_length, out_len)}; {@code out_len = 0} returns 0 and touches no memory
 *       ({@code Guest.cstr}). {@code zs_json_read_string} alone returns the full length for {@code out_len = 0}.</li>
 *   <li>Soft failures return -1. Hard failures throw {@link io.zeroserve.ebpf.HelperException}: the runtime ends
 *       the run with a fault and the chain answers 500.</li>
 *   <li>Every allocation a script can cause (JSON, metadata, header values, hook inputs) is charged to the
 *       context's footprint first; nothing a script controls is allocated before its size is checked.</li>
 *   <li>In-place helpers claim their buffer with {@code checkWritable} first, then read and write inside it.</li>
 * </ul>
 *
 * <p>Threading: a {@link io.zeroserve.script.ScriptChain} is immutable and shared; each request's state
 * ({@code RequestRun}, {@code ScriptContext}) is confined to the request's thread.
 */
package io.zeroserve.script;
