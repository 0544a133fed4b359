package io.histoscale.search.study;

import com.fasterxml.jackson.core.type.TypeReference;
import io.histoscale.core.Json;
import io.histoscale.core.UserException;
import io.histoscale.registry.Studies;
import io.histoscale.search.SearchConfig;
import io.histoscale.search.TrialState;
import io.histoscale.search.sampler.Observation;
import io.histoscale.search.sampler.Sampler;
import io.histoscale.search.sampler.Samplers;
import io.histoscale.search.scheduler.Reports;
import io.histoscale.search.scheduler.Scheduler;
import io.histoscale.search.scheduler.Schedulers;
import io.histoscale.search.space.CategoricalParam;
import io.histoscale.search.space.FixedParam;
import io.histoscale.search.space.NumericParam;
import io.histoscale.search.space.Param;
import io.histoscale.search.space.SearchSpace;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A study kept in the registry, and the ask/tell protocol every worker follows on it: {@link #claim} hands out the
 * next trial (one handed back by a dead worker first, else a new one the sampler proposes), {@link #report} records
 * an epoch's value and asks the scheduler whether to go on, {@link #finish} tells the result. Each is one
 * transaction on the study ({@link Studies#locked}), so workers on many nodes never hand out a trial twice.
 */
public final class Study {

    private static final TypeReference<LinkedHashMap<String, Object>> PARAMS = new TypeReference<>() {
    };

    private final Studies store;
    private final SearchConfig config;
    private final SearchSpace space;
    private final Sampler sampler;
    private final Scheduler scheduler;

    private Study(Studies store, SearchConfig config) {
        this.store = store;
        this.config = config;
        this.space = config.searchSpace();
        this.sampler = Samplers.create(config.sampler(), config.samplerSettings());
        this.scheduler = Schedulers.create(config.scheduler(), config.schedulerSettings(), maxEpochs(space, config));
    }

    /**
     * Makes the study {@code config} names, or opens it when it exists with the same settings.
     *
     * @throws UserException when a study of that name exists with other settings
     */
    public static Study create(Studies store, SearchConfig config) {
        Study study = new Study(store, config); // checks sampler and scheduler settings before anything is written
        if (!store.create(config.study(), config.toJson())) {
            SearchConfig existing = open(store, config.study()).config;
            if (!existing.equals(config)) {
                throw UserException.forKey("study", config.study() + " exists in " + store.location()
                        + " with other settings: give another --study, or continue it with histoscale search resume "
                        + config.study());
            }
        }
        return study;
    }

    /** @throws UserException when there is no such study */
    public static Study open(Studies store, String name) {
        Studies.Study s = store.study(name).orElseThrow(() -> UserException.forKey("study", "no study called "
                + name + " in " + store.location() + ": give one of " + store.list().stream()
                .map(Studies.Study::name).toList()));
        return new Study(store, SearchConfig.fromJson(s.config()));
    }

    public SearchConfig config() {
        return config;
    }

    public SearchSpace space() {
        return space;
    }

    public String name() {
        return config.study();
    }

    public Studies store() {
        return store;
    }

    /** The longest budget a trial can have, in epochs: the space's {@code epochs}, else the training settings'. */
    public static int maxEpochs(SearchSpace space, SearchConfig config) {
        Param p = space.param("epochs");
        if (p instanceof FixedParam f && f.value() instanceof Number n) return n.intValue();
        if (p instanceof NumericParam r) return (int) r.high();
        if (p instanceof CategoricalParam c) {
            return c.choices().stream().mapToInt(v -> ((Number) v).intValue()).max().orElse(1);
        }
        Object e = config.training().get("epochs");
        return e instanceof Number n ? n.intValue() : io.histoscale.train.TrainConfig.DEFAULTS.epochs();
    }

    // ---- the protocol ---------------------------------------------------------------------------------------------

    /** A trial handed to a worker: train it with these parameters. {@code attempt} counts from 1. */
    public record Ticket(int number, Map<String, Object> params, int attempt, String runId) {
    }

    /** What {@link #claim} gives: a trial, nothing yet (others still run; ask again later), or the end. */
    public sealed interface Claim {
        record Trial(Ticket ticket) implements Claim {
        }

        record Wait() implements Claim {
        }

        record Done() implements Claim {
        }
    }

    /**
     * The next trial for {@code worker}: first, RUNNING trials whose worker is gone (no heartbeat for
     * {@link SearchConfig#heartbeatSeconds}, or a process of this host that no longer exists) are handed back (or
     * FAILED after {@link SearchConfig#maxAttempts}); then the lowest WAITING trial, else a new one while the study
     * has fewer than {@link SearchConfig#trials} trials and epochs are left in its {@link SearchConfig#epochBudget}.
     */
    public Claim claim(WorkerId worker) {
        return store.locked(name(), tx -> {
            Instant now = Instant.now();
            List<Studies.Trial> trials = new ArrayList<>(tx.trials());
            for (int i = 0; i < trials.size(); i++) {
                Studies.Trial t = trials.get(i);
                if (t.state().equals(TrialState.RUNNING.name()) && lost(t, now)) {
                    Studies.Trial back = t.attempts() >= config.maxAttempts()
                            ? t.withState(TrialState.FAILED.name(), null, now, "its worker " + t.worker()
                            + " stopped answering " + t.attempts() + " times")
                            : t.withState(TrialState.WAITING.name(), null, null, "handed back: worker " + t.worker()
                            + " stopped answering");
                    tx.put(back);
                    trials.set(i, back);
                }
            }
            for (Studies.Trial t : trials) {
                if (t.state().equals(TrialState.WAITING.name())) {
                    Studies.Trial mine = t.claimedBy(worker.toString(), now);
                    tx.put(mine);
                    return new Claim.Trial(new Ticket(t.number(), params(t), mine.attempts(), t.runId()));
                }
            }
            int spent = trials.stream().mapToInt(Studies.Trial::epochs).sum();
            boolean budgetLeft = config.epochBudget() == 0 || spent < config.epochBudget();
            if (trials.size() < config.trials() && budgetLeft) {
                int number = trials.size();
                Map<String, Object> params = sampler.ask(space, observations(trials, tx.values()),
                        new SplittableRandom(config.seed() * 0x9E3779B97F4A7C15L + number));
                if (!space.isValid(params)) {
                    throw new IllegalStateException("sampler " + config.sampler() + " proposed " + params
                            + ", which is not in the space " + space);
                }
                tx.put(new Studies.Trial(name(), number, TrialState.RUNNING.name(), Json.line(params), null, null,
                        worker.toString(), 1, now, now, now, null, 0, null));
                return new Claim.Trial(new Ticket(number, params, 1, null));
            }
            boolean running = trials.stream().anyMatch(t -> t.state().equals(TrialState.RUNNING.name()));
            return running ? new Claim.Wait() : new Claim.Done();
        });
    }

    private boolean lost(Studies.Trial t, Instant now) {
        if (WorkerId.parse(t.worker()).map(WorkerId::knownDead).orElse(false)) {
            return true;
        }
        return t.heartbeat() == null
                || Duration.between(t.heartbeat(), now).toMillis() > config.heartbeatSeconds() * 1000;
    }

    /** Records the run that trains trial {@code number}; false when the trial is no longer {@code worker}'s. */
    public boolean attachRun(int number, WorkerId worker, String runId) {
        return store.locked(name(), tx -> {
            Studies.Trial t = held(tx, number, worker);
            if (t == null) return false;
            tx.put(t.withRun(runId));
            return true;
        });
    }

    /**
     * Records trial {@code number}'s metric after {@code epoch} and asks the scheduler: true to train on, false to
     * stop (the trial is then {@link #finish finished} as PRUNED) — also false when the trial is no longer
     * {@code worker}'s.
     */
    public boolean report(int number, WorkerId worker, int epoch, double value) {
        return store.locked(name(), tx -> {
            Studies.Trial t = held(tx, number, worker);
            if (t == null) return false;
            tx.report(number, epoch, value);
            tx.put(t.withEpochs(Math.max(t.epochs(), epoch)));
            Reports reports = new Reports();
            for (Studies.Value v : tx.values()) reports.add(v.number(), v.step(), config.loss(v.value()));
            return scheduler.keepGoing(number, epoch, reports);
        });
    }

    /** Beats trial {@code number}'s heart; false when it is no longer {@code worker}'s. */
    public boolean heartbeat(int number, WorkerId worker) {
        return store.heartbeat(name(), number, worker.toString());
    }

    /**
     * Tells how trial {@code number} ended; ignored (false) when it is no longer {@code worker}'s.
     *
     * @param value   the metric (best epoch for COMPLETE, last report for PRUNED); null when FAILED
     * @param message why it failed or was stopped; may be null
     */
    public boolean finish(int number, WorkerId worker, TrialState state, Double value, int epochs, String message) {
        if (!state.finished()) throw new IllegalArgumentException(state + " is not an end");
        return store.locked(name(), tx -> {
            Studies.Trial t = held(tx, number, worker);
            if (t == null) return false;
            tx.put(t.withEpochs(Math.max(epochs, t.epochs())).withState(state.name(), value, Instant.now(), message));
            return true;
        });
    }

    private Studies.Trial held(Studies.Tx tx, int number, WorkerId worker) {
        for (Studies.Trial t : tx.trials()) {
            if (t.number() == number) {
                return t.state().equals(TrialState.RUNNING.name()) && worker.toString().equals(t.worker()) ? t : null;
            }
        }
        return null;
    }

    // ---- reading --------------------------------------------------------------------------------------------------

    /** A trial as the study knows it, with the values it reported by epoch. */
    public record TrialView(int number, TrialState state, Map<String, Object> params, Double value, String runId,
                            String worker, int attempts, int epochs, Instant startedAt, Instant endedAt,
                            String message, Map<Integer, Double> reported) {
    }

    /** Every trial, by number. */
    public List<TrialView> trials() {
        List<Studies.Trial> trials = store.trials(name());
        Map<Integer, Map<Integer, Double>> reported = new LinkedHashMap<>();
        for (Studies.Value v : store.values(name())) {
            reported.computeIfAbsent(v.number(), n -> new java.util.TreeMap<>()).put(v.step(), v.value());
        }
        List<TrialView> views = new ArrayList<>();
        for (Studies.Trial t : trials) {
            views.add(new TrialView(t.number(), TrialState.valueOf(t.state()), params(t), t.value(), t.runId(),
                    t.worker(), t.attempts(), t.epochs(), t.startedAt(), t.endedAt(), t.message(),
                    reported.getOrDefault(t.number(), Map.of())));
        }
        return views;
    }

    /** The best COMPLETE trial, if any. */
    public java.util.Optional<TrialView> best() {
        return trials().stream().filter(t -> t.state() == TrialState.COMPLETE && t.value() != null)
                .min(java.util.Comparator.comparingDouble(t -> config.loss(t.value())));
    }

    private List<Observation> observations(List<Studies.Trial> trials, List<Studies.Value> values) {
        Map<Integer, Double> last = new LinkedHashMap<>();
        for (Studies.Value v : values) last.put(v.number(), v.value()); // ordered by step: the last wins
        List<Observation> all = new ArrayList<>();
        for (Studies.Trial t : trials) {
            TrialState state = TrialState.valueOf(t.state());
            Double value = state == TrialState.COMPLETE ? t.value()
                    : state == TrialState.PRUNED ? (t.value() != null ? t.value() : last.get(t.number())) : null;
            all.add(new Observation(t.number(), params(t), state, value == null ? null : config.loss(value),
                    t.epochs()));
        }
        return all;
    }

    private static Map<String, Object> params(Studies.Trial t) {
        try {
            return Json.MAPPER.readValue(t.params(), PARAMS);
        } catch (IOException e) {
            throw new IllegalStateException("trial " + t.number() + "'s parameters cannot be read: " + e.getMessage());
        }
    }
}
