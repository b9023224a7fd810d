package io.zeroserve.net;

import java.io.IOException;

/**
 * Moves bytes between sockets and the server: io_uring where the kernel allows it, NIO otherwise.
 *
 * <p>Threading: {@link Listener#accept()}, {@link Connection#read()} and {@link Connection#write} block the calling
 * thread, which is normally a virtual thread; implementations park it rather than pin its carrier. The transport
 * owns every native resource it creates and frees them in {@link #close()}.
 */
public interface Transport extends AutoCloseable {
    /** {@code "nio"} or {@code "io_uring"}; shown in the startup log. */
    String name();

    /** Binds and listens on {@code address}. */
    Listener listen(ListenAddress address, int backlog) throws IOException;

    @Override
    void close();
}
