package io.vmssrunnerscaler.shell;

/** How an operator's change to a pool ended; each maps to one HTTP status. */
public sealed interface AdminOutcome {

    /** Applied (or already so): {@code what} says what holds now. */
    record Done(String what) implements AdminOutcome {}

    /** No such pool, scale set or instance. */
    record NotFound(String reason) implements AdminOutcome {}

    /** The request itself is wrong; nothing changed. */
    record Invalid(String reason) implements AdminOutcome {}

    /** Not now, for a reason of the pool's state (a busy runner is never drained); nothing changed. */
    record Refused(String reason) implements AdminOutcome {}

    /** The pool could not take it now (its inbox is full, or it is stopping); retry. */
    record Unavailable(String reason) implements AdminOutcome {}
}
