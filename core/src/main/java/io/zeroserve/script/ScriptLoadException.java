package io.zeroserve.script;

/** A script that cannot be compiled or loaded. The message names the file, the section and the reason. */
public final class ScriptLoadException extends Exception {
    public ScriptLoadException(String message) {
        super(message);
    }

    public ScriptLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
