package io.github.taco.train;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A progress bar on a terminal, plain log lines every {@code logEvery} steps otherwise (CI, files). */
public final class Progress implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Progress.class);
    private final ProgressBar bar;
    private final long logEvery;
    private final long total;

    public Progress(String task, long start, long total, long logEvery) {
        this.total = total;
        this.logEvery = Math.max(1, logEvery);
        this.bar = System.console() != null
                ? new ProgressBarBuilder().setTaskName(task).setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
                        .setUpdateIntervalMillis(500).build()
                : null;
        if (bar != null) {
            bar.stepTo(start);
        }
    }

    public void step(long step, String message) {
        if (bar != null) {
            bar.stepTo(step);
            bar.setExtraMessage(message);
        } else if (step % logEvery == 0 || step == total) {
            LOG.info("step {}/{} {}", step, total, message);
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
