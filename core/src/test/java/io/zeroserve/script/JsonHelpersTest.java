package io.zeroserve.script;

import io.zeroserve.ebpf.HelperException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The handle-based JSON helpers: cursors, soft and hard failures, limits. */
class JsonHelpersTest {
    private final Harness h = new Harness();
    private final Harness.Fixture f = h.fixture();
    private final FakeGuest g = f.g();

    private long parse(String json) throws HelperException {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        return g.call("zs_json_parse", g.put(b), b.length);
    }

    private long get(long handle, String key) throws HelperException {
        return g.call("zs_json_get", handle, g.ro(key), key.length());
    }

    private String str(long handle) {
        try {
            return f.ctx().json(handle).node.toString();
        } catch (HelperException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void parseAndRead() throws Exception {
        long root = parse("{\"name\":\"zero\",\"n\":-42,\"f\":1.5,\"ok\":true,\"list\":[10,\"x\"],\"nested\":{\"name\":\"inner\"}}");
        assertEquals(1, root, "handles start at 1");
        long name = get(root, "name");
        long out = g.alloc(16);
        assertEquals(4, g.call("zs_json_read_string", name, out, 0), "out_len 0 returns the length");
        assertEquals(4, g.call("zs_json_read_string", name, out, 16));
        assertEquals("zero", g.cstring(out));
        assertEquals(3, g.call("zs_json_read_string", name, out, 3));
        assertEquals("ze", g.cstring(out));
        assertEquals(8, g.call("zs_json_read_i64", get(root, "n"), out, 8));
        assertEquals(-42, g.i64(out));
        assertEquals(-1, g.call("zs_json_read_i64", get(root, "f"), out, 8), "not an integer");
        assertEquals(-1, g.call("zs_json_read_i64", get(root, "n"), out, 4), "out too small");
        assertEquals(1, g.call("zs_json_read_bool", get(root, "ok"), out, 1));
        assertEquals(1, g.get(out, 1)[0]);
        assertEquals(-1, g.call("zs_json_read_string", get(root, "n"), out, 16), "wrong type is soft");
        assertEquals(-1, get(root, "missing"));
        long list = get(root, "list");
        assertEquals(2, g.call("zs_json_len", list));
        assertEquals(-1, g.call("zs_json_array_get", list, 2));
        long x = g.call("zs_json_array_get", list, 1);
        assertEquals(3, g.call("zs_json_type", x));
        assertEquals(-1, g.call("zs_json_len", get(root, "n")));
        assertEquals(-1, parse("{bad"));
        assertEquals(-1, g.call("zs_json_parse", g.put(new byte[] {'"', (byte) 0xff, '"'}), 3), "invalid UTF-8");
    }

    @Test
    void handlesAreCursorsIntoOneDocument() throws Exception {
        long root = parse("{\"name\":\"root\",\"nested\":{\"name\":\"inner\"}}");
        long nested = get(root, "nested");
        long innerName = get(nested, "name");
        g.call("zs_json_set_string", innerName, g.ro("changed"), 7);
        assertEquals("{\"name\":\"root\",\"nested\":{\"name\":\"changed\"}}", str(root), "mutation via a cursor");
        assertEquals(0, g.call("zs_json_reset", nested));
        long again = get(nested, "name");
        long out = g.alloc(16);
        g.call("zs_json_read_string", again, out, 16);
        assertEquals("root", g.cstring(out), "after reset the cursor is at the root");
    }

    @Test
    void buildAndModify() throws Exception {
        long obj = g.call("zs_json_new_object");
        long arr = g.call("zs_json_new_array");
        long v = g.call("zs_json_new_object");
        g.call("zs_json_set_i64", v, 7);
        assertEquals(1, g.call("zs_json_array_push", arr, v));
        assertEquals(2, g.call("zs_json_array_push", arr, v));
        g.call("zs_json_set_bool", v, 1);
        assertEquals("[7,7]", str(arr), "push stores a copy");
        assertEquals(0, g.call("zs_json_array_set", arr, 1, v));
        assertEquals(-1, g.call("zs_json_array_set", arr, 5, v));
        assertEquals(0, g.call("zs_json_set", obj, g.ro("a"), 1, arr));
        assertEquals(0, g.call("zs_json_set", obj, g.ro("self"), 4, obj), "setting a document into itself copies");
        assertEquals("{\"a\":[7,true],\"self\":{\"a\":[7,true]}}", str(obj));
        assertEquals(0, g.call("zs_json_remove", obj, g.ro("self"), 4));
        assertEquals(-1, g.call("zs_json_remove", obj, g.ro("self"), 4));
        assertEquals(-1, g.call("zs_json_set", arr, g.ro("k"), 1, v), "set on an array is soft");
        long clone = g.call("zs_json_clone", obj);
        g.call("zs_json_set_null", clone);
        assertEquals(0, g.call("zs_json_type", clone));
        assertEquals("{\"a\":[7,true]}", str(obj), "clones are independent");
        g.call("zs_json_set_string", obj, g.ro("s"), 1);
        assertEquals(3, g.call("zs_json_type", obj), "set_string can change the type");
    }

    @Test
    void freeAndLimits() throws Exception {
        long a = g.call("zs_json_new_object");
        assertEquals(0, g.call("zs_object_free", a));
        assertThrows(HelperException.class, () -> g.call("zs_object_free", a), "double free is a fault");
        assertThrows(HelperException.class, () -> g.call("zs_json_type", a), "freed handle is a fault");
        assertThrows(HelperException.class, () -> g.call("zs_json_type", 999));
        long b = g.call("zs_json_new_object");
        assertNotEquals(a, b, "numbers are never reused");
        for (int i = 1; i < ObjectTable.MAX_LIVE; i++) {
            g.call("zs_json_new_array");
        }
        assertThrows(HelperException.class, () -> g.call("zs_json_new_array"), "33rd live object");
    }

    @Test
    void footprintIsCapped() throws Exception {
        Harness small = new Harness(ScriptOptions.defaults().withMaxFootprintBytes(6000));
        FakeGuest sg = small.fixture().g();
        long obj = sg.call("zs_json_new_object");
        long big = sg.call("zs_json_new_object");
        sg.call("zs_json_set_string", big, sg.ro("x".repeat(1000)), 1000);
        assertEquals(0, sg.call("zs_json_set", obj, sg.ro("k0"), 2, big));
        assertThrows(HelperException.class, () -> sg.call("zs_json_set", obj, sg.ro("k1"), 2, big),
                "the second 2 KB copy passes the 6000-byte footprint");
    }

    @Test
    void staticJsonNeedsASite() throws Exception {
        assertThrows(HelperException.class, () -> g.call("zs_load_static_json", g.ro("a.json"), 6));
        Harness withSite = new Harness();
        withSite.site = new SiteFiles() {
            @Override
            public byte[] read(String path) {
                return path.equals("data/a.json") ? "{\"k\":1}".getBytes(StandardCharsets.UTF_8) : null;
            }

            @Override
            public FileInfo info(String path) {
                return path.equals("data/a.json") ? new FileInfo(7, "0".repeat(32), 1234) : null;
            }
        };
        Harness.Fixture sf = withSite.fixture();
        FakeGuest sg = sf.g();
        long handle = sg.call("zs_load_static_json", sg.ro("data/a.json"), 11);
        assertEquals("{\"k\":1}", sf.ctx().json(handle).node.toString());
        assertEquals(-1, sg.call("zs_load_static_json", sg.ro("/data/a.json"), 12), "paths are verbatim");
        long meta = sg.call("zs_load_file_metadata", sg.ro("data/a.json"), 11);
        assertEquals("{\"size\":7,\"etag\":\"" + "0".repeat(32) + "\",\"mtime\":1234}",
                sf.ctx().json(meta).node.toString());
    }

    @Test
    void jsonRespond() throws Exception {
        long obj = parse("{\"ok\":true}");
        assertEquals(0, g.call("zs_json_respond", 200, obj));
        ScriptResponse r = f.ctx().response;
        assertEquals("application/json", r.contentType());
        assertEquals("{\"ok\":true}", new String(r.body(), StandardCharsets.UTF_8));
    }
}
