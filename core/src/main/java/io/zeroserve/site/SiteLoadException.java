package io.zeroserve.site;

/** A site tar that cannot be served. The message names the file and what is wrong with it. */
public final class SiteLoadException extends Exception {
    public SiteLoadException(String message) {
        super(message);
    }

    public SiteLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
