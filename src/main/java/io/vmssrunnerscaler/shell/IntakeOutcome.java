package io.vmssrunnerscaler.shell;

/** What intake did with a delivery or hook call. */
public sealed interface IntakeOutcome {

    /** Handed to this pool's loop. */
    record Accepted(String pool) implements IntakeOutcome {}

    /** Not for any pool; nothing changed. */
    record Ignored(String reason) implements IntakeOutcome {}

    /** The pool cannot take more events now; the sender should retry. */
    record Overloaded(String pool) implements IntakeOutcome {}

    /** A hook for a runner the named pool has no instance of (perhaps not listed yet); nothing changed. */
    record UnknownRunner(String pool, String runnerName) implements IntakeOutcome {}

    /** A hook for a runner whose instance is not the one its token was issued to; nothing changed. */
    record WrongInstance(String pool, String runnerName) implements IntakeOutcome {}
}
