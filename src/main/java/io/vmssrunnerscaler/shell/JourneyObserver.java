package io.vmssrunnerscaler.shell;

import java.time.Duration;

/** Told of each stage of a job as soon as it is over, and of each journey once the job's instance is recycled. */
public interface JourneyObserver {

    void stage(String pool, JobStage stage, Duration took);

    void ended(JobJourney journey);

    JourneyObserver NONE = new JourneyObserver() {
        @Override
        public void stage(String pool, JobStage stage, Duration took) {
        }

        @Override
        public void ended(JobJourney journey) {
        }
    };
}
