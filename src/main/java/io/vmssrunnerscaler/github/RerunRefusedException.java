package io.vmssrunnerscaler.github;

/**
 * GitHub will not re-run the job or run: the run is still in progress, or it is too old to be
 * re-run. Asking again at once changes nothing; a run still in progress may be re-run once it
 * completes.
 */
public final class RerunRefusedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RerunRefusedException(String message) {
        super(message);
    }
}
