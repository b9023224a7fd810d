package io.zeroserve.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Frames that concurrent writers send over one TLS connection, and the check that every frame arrived whole (not
 * interleaved with another writer's) and each writer's frames in order.
 */
final class WriterFrames {
    private WriterFrames() {
    }

    /** Frame {@code seq} of {@code writer}: writer, seq and body length as ints, then a body of one fill byte. */
    static byte[] frame(int writer, int seq, int maxLength) {
        int len = (seq * 7919 + writer * 3301) % maxLength;
        ByteBuffer b = ByteBuffer.allocate(12 + len).putInt(writer).putInt(seq).putInt(len);
        byte fill = (byte) (writer * 31 + seq + 1);
        for (int i = 0; i < len; i++) {
            b.put(fill);
        }
        return b.array();
    }

    /** Total bytes of {@code frames} frames from each of {@code writers} writers. */
    static int total(int writers, int frames, int maxLength) {
        int total = 0;
        for (int w = 0; w < writers; w++) {
            for (int s = 0; s < frames; s++) {
                total += frame(w, s, maxLength).length;
            }
        }
        return total;
    }

    static void assertWholeAndInOrder(byte[] received, int writers, int frames, int maxLength) {
        int[] next = new int[writers];
        ByteBuffer b = ByteBuffer.wrap(received);
        while (b.hasRemaining()) {
            int w = b.getInt();
            int s = b.getInt();
            int len = b.getInt();
            assertEquals(next[w]++, s, "writer " + w + " out of order");
            byte[] body = new byte[len];
            b.get(body);
            assertArrayEquals(Arrays.copyOfRange(frame(w, s, maxLength), 12, 12 + len), body,
                    "frame " + s + " of writer " + w + " was interleaved with another write");
        }
        for (int w = 0; w < writers; w++) {
            assertEquals(frames, next[w], "frames of writer " + w);
        }
    }
}
