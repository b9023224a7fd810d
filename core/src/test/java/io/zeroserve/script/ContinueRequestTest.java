package io.zeroserve.script;

import io.zeroserve.ebpf.HelperException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code zs_res_continue_request}: a response hook suppresses the response and the request scripts run again on
 * the same request and metadata (the forward_auth pattern), at most {@link ScriptChain#MAX_RERUNS} times.
 */
class ContinueRequestTest {
    private final Harness h = new Harness();
    private final List<String> ran = new ArrayList<>();

    private static void meta(FakeGuest g, String key, String value) throws HelperException {
        g.call("zs_meta_set", g.ro(key), key.length(), g.ro(value), value.length());
    }

    private static String metaGet(FakeGuest g, String key) throws HelperException {
        long out = g.alloc(64);
        g.call("zs_meta_get", g.ro(key), key.length(), out, 64);
        return g.cstring(out);
    }

    /** A forward_auth-like script: until authorized, "ask the auth backend" (a 204) with a hook that continues. */
    private void forwardAuth() {
        h.script("auth.o").onRequest((g, in) -> {
            ran.add("request " + metaGet(g, "authorized"));
            if (metaGet(g, "authorized").isEmpty()) {
                g.call("zs_res_hook", 0, 0, g.ro("on_auth"), 7, 0);
                return g.call("zs_respond", 204, 0, 0);
            }
            return 0;
        }).onCall("on_auth", (g, in) -> {
            ran.add("hook " + g.call("zs_res_status"));
            g.call("zs_req_set_header", g.ro("Remote-User"), 11, g.ro("alice"), 5);
            meta(g, "authorized", "1");
            return g.call("zs_res_continue_request");
        });
    }

    @Test
    void aHookContinuesAndTheScriptsRunAgainOnTheChangedRequest() {
        forwardAuth();
        ScriptResult first = h.chain().run(TestRequest.get("/private").header("Remote-User", "mallory"));
        assertEquals(ScriptResult.Action.RESPOND, first.action());
        ResponseHead head = new ResponseHead(first.response().status());
        first.finishResponse(head);
        assertTrue(head.continueRequested(), "the 204 is suppressed");

        ScriptResult second = h.chain().rerun(first);
        assertEquals(ScriptResult.Action.CONTINUE, second.action(), "now the request goes on to the site");
        assertEquals("alice", second.request().header("remote-user"), "the hook's request change is kept");
        assertEquals("1", second.metadata().get("authorized"), "and the metadata");
        assertEquals(List.of("request ", "hook 204", "request 1"), ran);
        ResponseHead served = new ResponseHead(200);
        second.finishResponse(served);
        assertFalse(served.continueRequested(), "the first run's hooks are gone");
        assertEquals(List.of("request ", "hook 204", "request 1"), ran);
    }

    @Test
    void rerunsAreBoundedThenA500() {
        h.script("loop.o").onRequest((g, in) -> {
            ran.add("run");
            return g.call("zs_res_hook", 0, 0, g.ro("again"), 5, 0);
        }).onCall("again", (g, in) -> g.call("zs_res_continue_request"));
        ScriptResult r = h.chain().run(TestRequest.get("/"));
        int reruns = 0;
        while (true) {
            ResponseHead head = new ResponseHead(r.action() == ScriptResult.Action.FAULT ? 500 : 404);
            r.finishResponse(head);
            if (!head.continueRequested()) {
                break;
            }
            r = h.chain().rerun(r);
            if (r.action() != ScriptResult.Action.FAULT) {
                reruns++;
            }
        }
        assertEquals(ScriptChain.MAX_RERUNS, reruns);
        assertEquals(ScriptChain.MAX_RERUNS + 1, ran.size(), "the first run plus the reruns");
        assertEquals(ScriptResult.Action.FAULT, r.action());
        assertEquals(500, r.response().status());
        assertTrue(r.faultMessage().contains("already ran again 8 times"), r.faultMessage());
        assertTrue(h.log.stream().anyMatch(l -> l.contains("zs_res_continue_request: the request scripts already ran "
                + "again 8 times, answering 500")), h.log.toString());
    }

    @Test
    void outsideAHookItIsASoftFailure() {
        h.script("a.o").onRequest((g, in) -> {
            ran.add("r=" + g.call("zs_res_continue_request"));
            return 0;
        });
        assertEquals(ScriptResult.Action.CONTINUE, h.chain().run(TestRequest.get("/")).action());
        assertEquals(List.of("r=-1"), ran);
    }

    @Test
    void aHookThatFaultsAfterContinuingIsRolledBack() {
        h.script("a.o").onRequest((g, in) -> g.call("zs_res_hook", 0, 0, g.ro("h"), 1, 0)).onCall("h", (g, in) -> {
            g.call("zs_res_continue_request");
            return g.call("zs_object_free", 99); // unknown handle: a fault
        });
        ScriptResult r = h.chain().run(TestRequest.get("/"));
        ResponseHead head = new ResponseHead(200);
        r.finishResponse(head);
        assertFalse(head.continueRequested());
    }

    @Test
    void laterHooksStillRun() {
        h.script("a.o").onRequest((g, in) -> {
            g.call("zs_res_hook", 0, 0, g.ro("c"), 1, 0);
            return g.call("zs_res_hook", 0, 0, g.ro("d"), 1, 0);
        }).onCall("c", (g, in) -> g.call("zs_res_continue_request")).onCall("d", (g, in) -> {
            ran.add("d");
            return 0;
        });
        ResponseHead head = new ResponseHead(200);
        h.chain().run(TestRequest.get("/")).finishResponse(head);
        assertTrue(head.continueRequested());
        assertEquals(List.of("d"), ran, "every registered hook runs, as in zeroserve");
    }
}
