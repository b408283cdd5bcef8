package io.vmssrunnerscaler.github;

/**
 * GitHub will not re-run the job or run: the run is still in progress, the job was replaced by a
 * later attempt, or the run is too old (or was re-run too often) to be re-run. The message carries
 * GitHub's reason. Asking again at once changes nothing; a run still in progress may be re-run once
 * it completes.
 */
public final class RerunRefusedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RerunRefusedException(String message) {
        super(message);
    }
}
