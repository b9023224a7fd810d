package io.zeroserve.script;

import io.zeroserve.ebpf.HelperException;
import io.zeroserve.ebpf.HelperTable;
import io.zeroserve.ebpf.Invocation;
import io.zeroserve.ebpf.Program;
import io.zeroserve.ebpf.ProgramFault;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A "script" written in Java for chain tests: each section is a body that calls helpers through a fresh
 * {@link FakeGuest}, as compiled code would. A helper's hard failure becomes a {@link ProgramFault}.
 */
final class FakeProgram implements Program {
    @FunctionalInterface
    interface Body {
        /** @param input the u64 calldata (the input handle for call entries), or 0 */
        long run(FakeGuest g, long input) throws HelperException;
    }

    private final String name;
    private final HelperTable helpers;
    private final Map<String, Body> sections = new LinkedHashMap<>();

    FakeProgram(String name, HelperTable helpers) {
        this.name = name;
        this.helpers = helpers;
    }

    FakeProgram on(String section, Body body) {
        sections.put(section, body);
        return this;
    }

    FakeProgram onRequest(Body body) {
        return on(ScriptChain.REQUEST_SECTION, body);
    }

    FakeProgram onCall(String function, Body body) {
        return on(ScriptChain.CALL_SECTION_PREFIX + function, body);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Set<String> sections() {
        return sections.keySet();
    }

    @Override
    public long invoke(Invocation invocation) throws ProgramFault {
        Body body = sections.get(invocation.section());
        FakeGuest g = new FakeGuest(helpers, invocation.host());
        long input = invocation.calldata().length >= 8
                ? ByteBuffer.wrap(invocation.calldata()).order(ByteOrder.LITTLE_ENDIAN).getLong() : 0;
        try {
            return body.run(g, input);
        } catch (HelperException e) {
            throw new ProgramFault(ProgramFault.Kind.HELPER_ERROR, invocation.section(), 7, e.getMessage());
        }
    }
}
