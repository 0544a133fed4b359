package io.histoscale.search.worker;

import io.histoscale.core.UserException;
import io.histoscale.search.TrialState;
import io.histoscale.search.study.Study;
import io.histoscale.search.study.WorkerId;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Pulls trials from a study until it has none left: claims one, trains it with a {@link TrialRunner} while a
 * heartbeat tells the study it is alive, and tells the result. Many workers — threads, processes, Slurm jobs on
 * several nodes — may work on one study at once.
 */
public final class Worker {

    /** How long a worker waits before asking again while the last trials run elsewhere. */
    static final long POLL_MS = 1000;

    private final Study study;
    private final TrialRunner runner;
    private final WorkerId id;
    private final Consumer<String> log;

    public Worker(Study study, TrialRunner runner, WorkerId id, Consumer<String> log) {
        this.study = study;
        this.runner = runner;
        this.id = id;
        this.log = log;
    }

    /** Works until the study is done; returns how many trials this worker finished. */
    public int run() {
        int done = 0;
        while (true) {
            Study.Claim claim = study.claim(id);
            if (claim instanceof Study.Claim.Done) {
                return done;
            }
            if (claim instanceof Study.Claim.Wait) {
                sleep(POLL_MS);
                continue;
            }
            if (train(((Study.Claim.Trial) claim).ticket())) {
                done++;
            }
        }
    }

    /** Trains one trial; true when its result was told (false when it was taken away from this worker). */
    boolean train(Study.Ticket ticket) {
        AtomicBoolean lost = new AtomicBoolean();
        long period = Math.max(200, (long) (study.config().heartbeatSeconds() * 1000 / 4));
        ScheduledExecutorService beat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "heartbeat-" + id + "-" + ticket.number());
            t.setDaemon(true);
            return t;
        });
        beat.scheduleAtFixedRate(() -> {
            try {
                if (!study.heartbeat(ticket.number(), id)) lost.set(true);
            } catch (RuntimeException e) {
                // the registry is briefly unreachable: the next beat tries again
            }
        }, period, period, TimeUnit.MILLISECONDS);
        TrialRunner.Outcome outcome;
        long start = System.nanoTime();
        try {
            outcome = runner.run(new Handle(ticket, lost));
        } catch (RuntimeException e) {
            outcome = new TrialRunner.Outcome(TrialState.FAILED, null, 0, oneLine(e));
        } finally {
            beat.shutdownNow();
        }
        if (lost.get()) {
            log.accept(String.format("trial %d: taken back by the study (this worker missed its heartbeats)",
                    ticket.number()));
            return false;
        }
        boolean told = study.finish(ticket.number(), id, outcome.state(), outcome.value(), outcome.epochs(),
                outcome.message());
        log.accept(String.format(java.util.Locale.ROOT, "trial %d %s%s after %d epochs (%.0f s)%s",
                ticket.number(), outcome.state(), outcome.value() == null ? ""
                        : String.format(java.util.Locale.ROOT, " %s %.4f", study.config().metric(), outcome.value()),
                outcome.epochs(), (System.nanoTime() - start) / 1e9,
                outcome.message() == null ? "" : ": " + outcome.message()));
        return told;
    }

    private static String oneLine(RuntimeException e) {
        String m = e instanceof UserException ? e.getMessage()
                : e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        return m == null ? e.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for trials", e);
        }
    }

    /** The trial as the runner sees it. */
    private final class Handle implements TrialRunner.Trial {
        private final Study.Ticket ticket;
        private final AtomicBoolean lost;

        Handle(Study.Ticket ticket, AtomicBoolean lost) {
            this.ticket = ticket;
            this.lost = lost;
        }

        @Override
        public int number() {
            return ticket.number();
        }

        @Override
        public Map<String, Object> params() {
            return ticket.params();
        }

        @Override
        public int attempt() {
            return ticket.attempt();
        }

        @Override
        public Path dir() {
            return Path.of(study.config().out()).resolve(String.format("trial-%04d", ticket.number()));
        }

        @Override
        public String runId() {
            return ticket.runId();
        }

        @Override
        public void attachRun(String runId) {
            if (!study.attachRun(ticket.number(), id, runId)) lost.set(true);
        }

        @Override
        public boolean report(int epoch, double value) {
            if (lost.get()) return false;
            boolean go = study.report(ticket.number(), id, epoch, value);
            if (!go && !study.heartbeat(ticket.number(), id)) lost.set(true);
            return go;
        }
    }
}
