package io.zeroserve.perf.harness;

/** A wrong command line or a missing prerequisite: the harness prints the message and exits with status 2. */
final class UsageException extends RuntimeException {
    UsageException(String message) {
        super(message);
    }
}
