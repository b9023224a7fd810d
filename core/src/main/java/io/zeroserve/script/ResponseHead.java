package io.zeroserve.script;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The status and headers of a response about to be written, as response hooks and
 * {@code zs.response.header.*} metadata change them. The handler fills it with its base headers, calls
 * {@link ScriptResult#finishResponse(ResponseHead)}, then writes what it holds. Names are kept lowercase.
 */
public final class ResponseHead {
    private int status;
    private final List<String[]> fields = new ArrayList<>();
    /** A hook called {@code zs_res_continue_request}: drop this response and run the request scripts again. */
    private boolean continueRequested;

    public ResponseHead(int status) {
        this.status = status;
    }

    public int status() {
        return status;
    }

    public void status(int status) {
        this.status = status;
    }

    /** Adds a field (keeps existing ones of the same name). */
    public ResponseHead add(String name, String value) {
        fields.add(new String[] {name.toLowerCase(Locale.ROOT), value});
        return this;
    }

    /** Replaces every field of that name with one. */
    public ResponseHead set(String name, String value) {
        remove(name);
        return add(name, value);
    }

    public void remove(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        fields.removeIf(f -> f[0].equals(lower));
    }

    /** The first value of a field, or null. */
    public String get(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        for (String[] f : fields) {
            if (f[0].equals(lower)) {
                return f[1];
            }
        }
        return null;
    }

    /** All fields in order, as (lowercase name, value). */
    public List<Map.Entry<String, String>> fields() {
        List<Map.Entry<String, String>> out = new ArrayList<>(fields.size());
        for (String[] f : fields) {
            out.add(Map.entry(f[0], f[1]));
        }
        return out;
    }

    /**
     * True when a response hook called {@code zs_res_continue_request}: the handler must not send this response
     * but run the request scripts again ({@link ScriptChain#rerun}).
     */
    public boolean continueRequested() {
        return continueRequested;
    }

    void requestContinue() {
        continueRequested = true;
    }

    List<String[]> rawFields() {
        return fields;
    }

    ResponseHead copy() {
        ResponseHead c = new ResponseHead(status);
        c.continueRequested = continueRequested;
        for (String[] f : fields) {
            c.fields.add(f.clone());
        }
        return c;
    }

    void restore(ResponseHead snapshot) {
        status = snapshot.status;
        continueRequested = snapshot.continueRequested;
        fields.clear();
        for (String[] f : snapshot.fields) {
            fields.add(f.clone());
        }
    }
}
