package io.vmssrunnerscaler.intake;

/** What intake did with a delivery or hook call. */
public sealed interface IntakeOutcome {

    /** Handed to this pool's loop. */
    record Accepted(String pool) implements IntakeOutcome {}

    /** Not for any pool; nothing changed. */
    record Ignored(String reason) implements IntakeOutcome {}

    /** The pool cannot take more events now; the sender should retry. */
    record Overloaded(String pool) implements IntakeOutcome {}
}
