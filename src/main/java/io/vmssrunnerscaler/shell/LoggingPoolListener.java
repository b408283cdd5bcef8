package io.vmssrunnerscaler.shell;

import io.vmssrunnerscaler.engine.Decision;
import io.vmssrunnerscaler.engine.Instance;
import io.vmssrunnerscaler.engine.PoolCommand;
import io.vmssrunnerscaler.engine.PoolEvent;
import io.vmssrunnerscaler.engine.PoolState;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/** Tells operators, in the log, what each pool decided and why its instances changed phase. */
public final class LoggingPoolListener implements PoolListener {
    private static final Logger LOG = Logger.getLogger("io.vmssrunnerscaler.pool");
    private final String pool;

    public LoggingPoolListener(String pool) {
        this.pool = pool;
    }

    /** The instance, its runner and its job as fields of the JSON log line. */
    private static void withFields(Instance instance, Runnable log) {
        MDC.put("instance", instance.instanceId());
        MDC.put("runner", instance.name());
        if (instance.jobId() != 0) {
            MDC.put("job", Long.toString(instance.jobId()));
        }
        try {
            log.run();
        } finally {
            MDC.remove("instance");
            MDC.remove("runner");
            MDC.remove("job");
        }
    }

    @Override
    public void decided(PoolState before, PoolEvent event, Decision decision) {
        PoolState after = decision.state();
        for (Instance now : after.instances().values()) {
            Instance was = before.instances().get(now.instanceId());
            if (was == null) {
                withFields(now, () -> LOG.infof("pool %s: instance %s (%s) appeared, %s", pool, now.instanceId(),
                        now.name(), now.phase()));
            } else if (was.phase() != now.phase()) {
                withFields(now, () -> LOG.infof("pool %s: instance %s (%s) %s -> %s%s", pool, now.instanceId(),
                        now.name(), was.phase(), now.phase(),
                        now.jobId() != 0 && now.phase().isBusy() ? " (job " + now.jobId() + ")" : ""));
            }
        }
        before.instances().keySet().stream().filter(id -> !after.instances().containsKey(id))
                .forEach(id -> LOG.infof("pool %s: instance %s is gone", pool, id));
        for (PoolCommand c : decision.commands()) {
            if (c instanceof PoolCommand.SetCapacity s) {
                LOG.infof("pool %s: scaling out to capacity %d (busy %d, queued %d, desired %d, live %d)", pool,
                        s.operation().capacity(), after.busy(), after.queued().size(), after.desired(), after.live());
            } else if (c instanceof PoolCommand.ReimageInstances r) {
                LOG.infof("pool %s: re-imaging %s (desired %d, live %d)", pool, r.operation().instanceIds(), after.desired(), after.live());
            } else if (c instanceof PoolCommand.RemoveRunner r) {
                LOG.infof("pool %s: draining idle runner %s at GitHub (desired %d, live %d)", pool, r.runnerName(), after.desired(), after.live());
            } else if (c instanceof PoolCommand.DeleteInstances d) {
                LOG.infof("pool %s: deleting %s (desired %d, live %d)", pool, d.operation().instanceIds(), after.desired(), after.live());
            }
        }
    }
}
