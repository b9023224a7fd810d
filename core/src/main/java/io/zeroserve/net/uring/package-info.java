/**
 * The io_uring transport, driven from Java over raw system calls and mmap'd rings (no liburing).
 *
 * <p>Conventions of this package:
 * <ul>
 *   <li>Threads. Each {@link io.zeroserve.net.uring.Poller} is one platform thread that owns one ring: only it
 *       writes SQEs and reads CQEs. Connection threads (virtual) post tasks to it and park; completions unpark them.
 *       By default the poller thread is also the carrier of its connections' threads
 *       ({@link io.zeroserve.net.Connection#threadBuilder()}, {@link io.zeroserve.net.uring.LoopCarriers}), so
 *       "the poller thread" means poller code running on it, not a virtual thread it carries
 *       ({@code Poller.isPollerThread()}). Fields are commented with the thread that owns them
 *       ("poller-thread state") or are volatile/atomic.</li>
 *   <li>Routing. {@code user_data = registrationId << 8 | op}; a registration keeps its id until its last completion
 *       (its close) has arrived, so completions never reach a reused slot. File descriptor numbers never route.</li>
 *   <li>Ownership. {@link io.zeroserve.net.uring.IoUringTransport} owns the pollers, the send-buffer pool and every
 *       socket; a poller owns its ring, its receive-buffer ring and their arena. A socket's fd is closed through the
 *       ring ({@code IORING_OP_CLOSE}) only after its other operations completed.</li>
 *   <li>Memory ordering. The kernel's ring indexes are read with acquire and ours written with release
 *       ({@code SubmissionQueue}, {@code CompletionQueue}, {@code BufferRing}).</li>
 *   <li>Bounds. Receive buffers: a fixed pool per ring, held only between a completion and the copy out of it.
 *       Send buffers: a pool per transport, at most two per writing connection (in flight,
 *       staged). Accepted-but-not-taken connections: about the
 *       listen backlog, then the multishot accept pauses.</li>
 * </ul>
 */
package io.zeroserve.net.uring;
