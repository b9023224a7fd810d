package io.zeroserve.net.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class DirectBuffersTest {
    @Test
    void givesAtMostMaxBuffersThenNoneUntilOneComesBack() {
        DirectBuffers pool = new DirectBuffers(1024, 2);
        ByteBuffer a = pool.take();
        ByteBuffer b = pool.take();
        assertNotNull(a);
        assertNotNull(b);
        assertTrue(a.isDirect() && a.capacity() == 1024);
        assertNull(pool.take(), "a third writer gets none and falls back to the heap");
        assertEquals(2, pool.inUse());
        a.position(100).limit(200);
        pool.release(a);
        ByteBuffer again = pool.take();
        assertSame(a, again, "released buffers are reused");
        assertEquals(0, again.position());
        assertEquals(1024, again.limit());
        pool.release(again);
        pool.release(b);
        assertEquals(0, pool.inUse());
    }
}
