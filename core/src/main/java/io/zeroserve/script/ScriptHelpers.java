package io.zeroserve.script;

import io.zeroserve.ebpf.HelperTable;

import java.util.List;

/** The complete helper table scripts link against, by name. */
final class ScriptHelpers {
    /** Declared in zeroserve.h, not available yet: a script that references one fails to load. */
    static final List<String> NOT_SUPPORTED_YET = List.of(
            "zs_vici_eap_identity_by_ip");

    private ScriptHelpers() {
    }

    static HelperTable table() {
        HelperTable.Builder b = HelperTable.builder();
        BasicHelpers.register(b);
        CryptoHelpers.register(b);
        RequestHelpers.register(b);
        RewriteHelpers.register(b);
        MetaHelpers.register(b);
        ResponseHelpers.register(b);
        JsonHelpers.register(b);
        CallHelpers.register(b);
        ServiceHelpers.register(b);
        OidcHelpers.register(b);
        for (String name : NOT_SUPPORTED_YET) {
            b.unsupported(name, "not supported yet in zeroserve-jvm");
        }
        return b.build();
    }
}
