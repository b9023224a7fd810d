/**
 * The portable transport: JDK blocking {@link java.nio.channels.SocketChannel}s, which park virtual threads on the
 * JDK's poller and turn an interrupt into {@link java.nio.channels.ClosedByInterruptException}. Used where io_uring
 * is refused (old kernels, seccomp profiles) or asked for with {@code --transport nio}. The only native call is the
 * adoption of an inherited listening socket ({@code fd:N}, see {@code InheritedSockets}).
 */
package io.zeroserve.net.nio;
