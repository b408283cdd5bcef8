package io.vmssrunnerscaler.intake;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.vmssrunnerscaler.shell.IntakeOutcome;

/** The JSON body of every intake answer: what happened, and why when nothing did. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IntakeAnswer(String outcome, String pool, String reason) {

    public static IntakeAnswer of(IntakeOutcome outcome) {
        if (outcome instanceof IntakeOutcome.Accepted a) {
            return new IntakeAnswer("accepted", a.pool(), null);
        }
        if (outcome instanceof IntakeOutcome.Overloaded o) {
            return new IntakeAnswer("overloaded", o.pool(), "too many events waiting; retry later");
        }
        if (outcome instanceof IntakeOutcome.Ignored i) {
            return new IntakeAnswer("ignored", null, i.reason());
        }
        if (outcome instanceof IntakeOutcome.UnknownRunner u) {
            return new IntakeAnswer("unknown-runner", u.pool(), "no such runner in pool " + u.pool());
        }
        if (outcome instanceof IntakeOutcome.WrongInstance w) {
            return new IntakeAnswer("wrong-instance", w.pool(), "the token was issued to another instance");
        }
        throw new IllegalArgumentException("unhandled intake outcome " + outcome);
    }

    public static IntakeAnswer error(String reason) {
        return new IntakeAnswer("rejected", null, reason);
    }

    public IntakeAnswer withOutcome(String name) {
        return new IntakeAnswer(name, pool, reason);
    }
}
