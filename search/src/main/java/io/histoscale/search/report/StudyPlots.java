package io.histoscale.search.report;

import io.histoscale.search.SearchConfig;
import io.histoscale.search.StudySummary;
import io.histoscale.search.TrialState;
import io.histoscale.search.space.CategoricalParam;
import io.histoscale.search.space.FixedParam;
import io.histoscale.search.space.IntParam;
import io.histoscale.search.space.NumericParam;
import io.histoscale.search.space.Param;
import io.histoscale.search.space.SearchSpace;
import io.histoscale.search.study.Study;
import io.histoscale.train.RunInfo;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Figures of a study (Java2D, PNG, {@value #WIDTH}x{@value #HEIGHT}; the same study gives the same pixels):
 * <ul>
 *   <li>{@code history.png}: each ended trial's value by trial number (COMPLETE filled, PRUNED hollow grey,
 *       FAILED a red cross on the x axis) and the best COMPLETE value so far;</li>
 *   <li>{@code parallel.png}: parallel coordinates, one axis per searched parameter (ranges on their own scale, log
 *       ranges on a log axis, categories as evenly spaced ticks) and the metric last, one line per COMPLETE trial
 *       coloured by its value; a trial in which a conditional parameter was inactive has no point on its axis;</li>
 *   <li>{@code importance.png}: {@link #importance parameter importance};</li>
 *   <li>{@code pareto.png}: metric against trainable parameters (log axis) of the trials with a run folder, the
 *       {@link #paretoFront Pareto front} joined and labelled with its architectures.</li>
 * </ul>
 */
public final class StudyPlots {

    public static final int WIDTH = 1000;
    public static final int HEIGHT = 560;
    /** The files {@link #write} makes, in order. */
    public static final List<String> FILES = List.of("history.png", "parallel.png", "importance.png", "pareto.png");

    private static final Color BLUE = new Color(31, 119, 180);
    private static final Color ORANGE = new Color(255, 127, 14);
    private static final Color RED = new Color(214, 39, 40);
    private static final Color GREY = new Color(150, 150, 150);
    private static final Color GRID = new Color(230, 230, 230);
    /** Viridis, sampled at 0, 0.25, 0.5, 0.75 and 1. */
    private static final Color[] MAP = {new Color(68, 1, 84), new Color(59, 82, 139), new Color(33, 145, 140),
            new Color(94, 201, 98), new Color(253, 231, 37)};

    private StudyPlots() {
    }

    /**
     * A trial's network as its run folder's {@code run.json} gives it.
     *
     * @param trial        trial number
     * @param state        COMPLETE or PRUNED
     * @param architecture architecture name
     * @param parameters   trainable parameters
     * @param macs         multiply-accumulates per image at the trial's input size ({@link
     *                     io.histoscale.model.ModelSpec#flops}), or -1 when they cannot be counted
     * @param value        the trial's metric
     */
    public record ModelPoint(int trial, TrialState state, String architecture, long parameters, long macs,
                             double value) {
    }

    // ---- analysis -------------------------------------------------------------------------------------------------

    /**
     * Parameter importance by the <b>correlation ratio</b>: for each searched parameter, the share of the variance of
     * the metric over the COMPLETE trials that the parameter's groups explain, η² = SS<sub>between</sub> /
     * SS<sub>total</sub>. A categorical parameter's groups are its choices; a numeric one's are quantile bins on its
     * internal (log, for a log range) scale, as many as √n (2 to 8, no more than its distinct values), ties kept in
     * one bin. Since η² grows with the number of groups even for a parameter without effect, each is corrected for
     * it (ε² = (SS<sub>between</sub> − (k−1)·SS<sub>within</sub>/(n−k)) / SS<sub>total</sub>, at least 0), and the
     * results are normalised to sum 1 (all 0 when none explains anything, or with too few trials).
     *
     * <p>PRUNED trials are left out: their value is from fewer epochs, so it would measure the budget the
     * scheduler gave them rather than the parameter. A conditional parameter is judged on the trials in which it
     * was active. Fixed parameters are left out. One parameter at a time: interactions are not separated.
     *
     * @return importance by parameter name, highest first
     */
    public static Map<String, Double> importance(SearchSpace space, List<Study.TrialView> trials) {
        List<Study.TrialView> complete = trials.stream()
                .filter(t -> t.state() == TrialState.COMPLETE && t.value() != null && Double.isFinite(t.value()))
                .toList();
        Map<String, Double> raw = new LinkedHashMap<>();
        for (Param p : space.params()) {
            if (p instanceof FixedParam) continue;
            List<Object> values = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            for (Study.TrialView t : complete) {
                Object v = t.params().get(p.name());
                if (v != null) {
                    values.add(v);
                    y.add(t.value());
                }
            }
            raw.put(p.name(), epsilonSquared(groups(p, values), y));
        }
        double sum = raw.values().stream().mapToDouble(Double::doubleValue).sum();
        List<Map.Entry<String, Double>> sorted = new ArrayList<>(raw.entrySet());
        sorted.sort(Map.Entry.<String, Double>comparingByValue().reversed()); // stable: ties in space order
        Map<String, Double> result = new LinkedHashMap<>();
        for (Map.Entry<String, Double> e : sorted) result.put(e.getKey(), sum > 0 ? e.getValue() / sum : 0.0);
        return result;
    }

    /** The group of each value: its choice for a categorical parameter, its quantile bin for a numeric one. */
    private static int[] groups(Param p, List<Object> values) {
        int n = values.size();
        int[] g = new int[n];
        if (p instanceof NumericParam r) {
            double[] x = new double[n];
            for (int i = 0; i < n; i++) x[i] = r.internal(values.get(i));
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) order[i] = i;
            java.util.Arrays.sort(order, Comparator.comparingDouble(i -> x[i]));
            long distinct = java.util.Arrays.stream(x).distinct().count();
            int k = (int) Math.min(distinct, Math.max(2, Math.min(8, Math.round(Math.sqrt(n)))));
            int first = 0;
            for (int rank = 0; rank < n; rank++) {
                if (rank > 0 && x[order[rank]] != x[order[rank - 1]]) first = rank; // ties share the first's bin
                g[order[rank]] = (int) ((long) first * k / n);
            }
            return g;
        }
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < n; i++) {
            Object v = values.get(i);
            String key = p instanceof CategoricalParam c && c.indexOf(v) >= 0 ? "#" + c.indexOf(v) : "=" + v;
            g[i] = index.computeIfAbsent(key, s -> index.size());
        }
        return g;
    }

    private static double epsilonSquared(int[] group, List<Double> y) {
        int n = y.size();
        double mean = y.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        Map<Integer, double[]> sums = new HashMap<>(); // group -> {count, sum}
        double total = 0;
        for (int i = 0; i < n; i++) {
            double[] s = sums.computeIfAbsent(group[i], x -> new double[2]);
            s[0]++;
            s[1] += y.get(i);
            total += (y.get(i) - mean) * (y.get(i) - mean);
        }
        int k = sums.size();
        if (k < 2 || n <= k || total <= 0) return 0;
        double between = 0;
        for (double[] s : sums.values()) between += s[0] * Math.pow(s[1] / s[0] - mean, 2);
        double within = total - between;
        return Math.max(0, (between - (k - 1) * within / (n - k)) / total);
    }

    /**
     * The points no other point dominates: another dominates a point when it has no more parameters and no worse a
     * value, and fewer parameters or a better value. Equal points do not dominate each other (both are on the
     * front).
     *
     * @param maximise whether a higher value is better
     * @return the front, fewest parameters first (then by trial)
     */
    public static List<ModelPoint> paretoFront(List<ModelPoint> points, boolean maximise) {
        List<ModelPoint> front = new ArrayList<>();
        for (ModelPoint p : points) {
            boolean dominated = false;
            for (ModelPoint q : points) {
                double better = maximise ? q.value() - p.value() : p.value() - q.value();
                if (q.parameters() <= p.parameters() && better >= 0
                        && (q.parameters() < p.parameters() || better > 0)) {
                    dominated = true;
                    break;
                }
            }
            if (!dominated) front.add(p);
        }
        front.sort(Comparator.comparingLong(ModelPoint::parameters).thenComparingInt(ModelPoint::trial));
        return front;
    }

    /** The front of the COMPLETE trials among {@code points} (PRUNED ones did not train their full budget). */
    public static List<ModelPoint> completeFront(List<ModelPoint> points, boolean maximise) {
        return paretoFront(points.stream().filter(p -> p.state() == TrialState.COMPLETE).toList(), maximise);
    }

    /**
     * The networks of the COMPLETE and PRUNED trials whose run folder ({@code OUT/trial-NNNN}) holds a
     * {@code run.json}, by trial number. MACs are counted once per architecture and input; -1 when they cannot be.
     */
    public static List<ModelPoint> models(SearchConfig config, List<Study.TrialView> trials) {
        Map<String, Long> macs = new HashMap<>();
        List<ModelPoint> points = new ArrayList<>();
        for (Study.TrialView t : trials) {
            if (t.value() == null || (t.state() != TrialState.COMPLETE && t.state() != TrialState.PRUNED)) continue;
            Path dir = trialFolder(config, t.number());
            if (!Files.isRegularFile(dir.resolve(RunInfo.FILE))) continue;
            RunInfo.ModelInfo m = RunInfo.read(dir).model();
            long count = macs.computeIfAbsent(m.architecture() + "/" + m.numClasses() + "/" + m.inputSize(), key -> {
                try {
                    return m.spec().flops();
                } catch (RuntimeException e) { // an architecture this version no longer builds
                    return -1L;
                }
            });
            points.add(new ModelPoint(t.number(), t.state(), m.architecture(), m.parameters(), count, t.value()));
        }
        return points;
    }

    /** Trial {@code number}'s run folder. */
    public static Path trialFolder(SearchConfig config, int number) {
        return Path.of(config.out()).resolve(String.format(Locale.ROOT, "trial-%04d", number));
    }

    // ---- figures --------------------------------------------------------------------------------------------------

    /** Writes the four {@link #FILES} into {@code dir} (made if absent); {@code models} from {@link #models}. */
    public static List<Path> write(StudySummary summary, List<ModelPoint> models, Path dir) {
        List<Path> files = FILES.stream().map(dir::resolve).toList();
        writeHistory(summary, files.get(0));
        writeParallel(summary, files.get(1));
        writeImportance(summary, files.get(2));
        writePareto(summary.config(), models, files.get(3));
        return files;
    }

    /** The optimisation history. */
    public static void writeHistory(StudySummary s, Path file) {
        SearchConfig c = s.config();
        Canvas cv = new Canvas();
        Box box = new Box(90, 60, WIDTH - 130, HEIGHT - 140);
        List<Study.TrialView> valued = s.trials().stream().filter(t -> t.value() != null && Double.isFinite(t.value())
                && (t.state() == TrialState.COMPLETE || t.state() == TrialState.PRUNED)).toList();
        box.frame(cv.g, "Optimisation history of " + c.study() + " (" + (c.maximise() ? "higher" : "lower")
                + " is better)", "trial", c.metric());
        if (s.trials().isEmpty()) {
            box.message(cv.g, "no trials yet");
            cv.save(file);
            return;
        }
        int last = s.trials().stream().mapToInt(Study.TrialView::number).max().orElse(0);
        Scale xs = new Scale(-0.5, last + 0.5);
        Scale ys = Scale.of(valued.stream().mapToDouble(Study.TrialView::value).toArray());
        for (double v : ys.ticks()) box.yTick(cv.g, ys.f(v), fmt(v));
        for (double v : xs.integerTicks(10)) box.xTick(cv.g, xs.f(v), Integer.toString((int) v));
        // best so far, as steps
        Graphics2D g = cv.g;
        Double best = null;
        int prevX = -1;
        int prevY = -1;
        g.setColor(ORANGE);
        g.setStroke(new BasicStroke(2f));
        for (Study.TrialView t : s.trials()) {
            if (t.state() == TrialState.COMPLETE && t.value() != null && Double.isFinite(t.value())
                    && (best == null || c.loss(t.value()) < c.loss(best))) {
                best = t.value();
            }
            if (best == null) continue;
            int x = box.px(xs.f(t.number()));
            int y = box.py(ys.f(best));
            if (prevX >= 0) {
                g.drawLine(prevX, prevY, x, prevY);
                g.drawLine(x, prevY, x, y);
            }
            prevX = x;
            prevY = y;
        }
        if (prevX >= 0) g.drawLine(prevX, prevY, box.px(1), prevY);
        g.setStroke(new BasicStroke(1.5f));
        for (Study.TrialView t : s.trials()) {
            int x = box.px(xs.f(t.number()));
            if (t.state() == TrialState.FAILED) {
                int y = box.y + box.h;
                g.setColor(RED);
                g.drawLine(x - 4, y - 4, x + 4, y + 4);
                g.drawLine(x - 4, y + 4, x + 4, y - 4);
            } else if (t.value() != null && Double.isFinite(t.value())) {
                int y = box.py(ys.f(t.value()));
                if (t.state() == TrialState.COMPLETE) {
                    g.setColor(BLUE);
                    g.fillOval(x - 4, y - 4, 9, 9);
                } else if (t.state() == TrialState.PRUNED) {
                    g.setColor(GREY);
                    g.drawOval(x - 4, y - 4, 8, 8);
                }
            }
        }
        g.setStroke(new BasicStroke(1f));
        int ly = HEIGHT - 14;
        legendDot(g, box.x, ly, BLUE, true, String.format(Locale.ROOT, "COMPLETE (%d)", s.count(TrialState.COMPLETE)));
        legendDot(g, box.x + 150, ly, GREY, false, String.format(Locale.ROOT, "PRUNED, last value (%d)",
                s.count(TrialState.PRUNED)));
        g.setColor(RED);
        g.drawLine(box.x + 356, ly - 8, box.x + 364, ly);
        g.drawLine(box.x + 356, ly, box.x + 364, ly - 8);
        g.setColor(Color.DARK_GRAY);
        g.drawString(String.format(Locale.ROOT, "FAILED (%d)", s.count(TrialState.FAILED)), box.x + 372, ly);
        legendLine(g, box.x + 480, ly, ORANGE, "best COMPLETE so far");
        cv.save(file);
    }

    /** Parallel coordinates of the COMPLETE trials. */
    public static void writeParallel(StudySummary s, Path file) {
        SearchConfig c = s.config();
        SearchSpace space = c.searchSpace();
        List<Param> params = space.params().stream().filter(p -> !(p instanceof FixedParam)).toList();
        List<Study.TrialView> complete = s.trials().stream().filter(t -> t.state() == TrialState.COMPLETE
                && t.value() != null && Double.isFinite(t.value())).toList();
        Canvas cv = new Canvas();
        Graphics2D g = cv.g;
        Box box = new Box(70, 60, WIDTH - 210, HEIGHT - 150);
        g.setColor(Color.DARK_GRAY);
        g.setFont(g.getFont().deriveFont(Font.BOLD));
        g.drawString("Parallel coordinates of " + c.study() + ": " + complete.size() + " COMPLETE trials, coloured by "
                + c.metric(), box.x, box.y - 30);
        g.setFont(g.getFont().deriveFont(Font.PLAIN));
        int axes = params.size() + 1;
        Scale metric = Scale.of(complete.stream().mapToDouble(Study.TrialView::value).toArray());
        // axes
        for (int a = 0; a < axes; a++) {
            int x = axisX(box, a, axes);
            g.setColor(Color.DARK_GRAY);
            g.drawLine(x, box.y, x, box.y + box.h);
            String name;
            if (a < params.size()) {
                Param p = params.get(a);
                name = p.name() + (p instanceof NumericParam r && r.log() ? " (log)" : "");
                for (Map.Entry<Double, String> tick : ticks(p).entrySet()) axisTick(g, box, x, tick.getKey(),
                        tick.getValue());
            } else {
                name = c.metric();
                for (double v : metric.ticks()) axisTick(g, box, x, metric.f(v), fmt(v));
            }
            g.setColor(Color.DARK_GRAY);
            int w = g.getFontMetrics().stringWidth(name);
            g.drawString(name, x - w / 2, box.y + box.h + 22 + (a % 2) * 16);
        }
        // lines, worst first so that the best lie on top
        List<Study.TrialView> order = new ArrayList<>(complete);
        order.sort(Comparator.comparingDouble((Study.TrialView t) -> -c.loss(t.value())));
        g.setStroke(new BasicStroke(1.6f));
        for (Study.TrialView t : order) {
            double f = metric.f(t.value());
            Color colour = colour(c.maximise() ? f : 1 - f);
            g.setColor(new Color(colour.getRed(), colour.getGreen(), colour.getBlue(), 200));
            int px = -1;
            int py = -1;
            for (int a = 0; a < axes; a++) {
                double v = a < params.size() ? position(params.get(a), t.params().get(params.get(a).name())) : f;
                if (Double.isNaN(v)) continue; // inactive here: no point on this axis
                int x = axisX(box, a, axes);
                int y = box.py(v);
                if (px >= 0) g.drawLine(px, py, x, y);
                g.fillOval(x - 2, y - 2, 5, 5);
                px = x;
                py = y;
            }
        }
        g.setStroke(new BasicStroke(1f));
        if (complete.isEmpty()) box.message(g, "no COMPLETE trials yet");
        // colour bar: best at the top
        int bx = box.x + box.w + 70;
        for (int i = 0; i < box.h; i++) {
            double f = 1 - (double) i / (box.h - 1);
            g.setColor(colour(f));
            g.drawLine(bx, box.y + i, bx + 16, box.y + i);
        }
        g.setColor(Color.DARK_GRAY);
        g.drawRect(bx, box.y, 16, box.h);
        if (!complete.isEmpty()) {
            double top = c.maximise() ? metric.max : metric.min;
            double bottom = c.maximise() ? metric.min : metric.max;
            g.drawString(fmt(top), bx + 22, box.y + 5);
            g.drawString(fmt(bottom), bx + 22, box.y + box.h + 5);
        }
        String barLabel = c.metric() + ", best on top";
        g.drawString(barLabel, Math.min(bx - 20, WIDTH - 8 - g.getFontMetrics().stringWidth(barLabel)), box.y - 12);
        cv.save(file);
    }

    /** The importance bars. */
    public static void writeImportance(StudySummary s, Path file) {
        SearchConfig c = s.config();
        Map<String, Double> importance = importance(c.searchSpace(), s.trials());
        Canvas cv = new Canvas();
        Graphics2D g = cv.g;
        Box box = new Box(220, 60, WIDTH - 320, HEIGHT - 120);
        g.setColor(Color.DARK_GRAY);
        g.setFont(g.getFont().deriveFont(Font.BOLD));
        g.drawString("Parameter importance of " + c.study() + ": correlation ratio (η², corrected for bins: ε²) of "
                + c.metric() + ", normalised", box.x - 150, box.y - 30);
        g.setFont(g.getFont().deriveFont(Font.PLAIN));
        g.drawString(s.count(TrialState.COMPLETE) + " COMPLETE trials; PRUNED left out; one parameter at a time",
                box.x - 150, box.y - 12);
        g.drawRect(box.x, box.y, box.w, box.h);
        for (int k = 0; k <= 5; k++) box.xTick(g, k / 5.0, String.format(Locale.ROOT, "%.0f%%", k * 20.0));
        double total = importance.values().stream().mapToDouble(Double::doubleValue).sum();
        if (importance.isEmpty() || total == 0) {
            box.message(g, importance.isEmpty() ? "no searched parameters"
                    : "too few COMPLETE trials, or no parameter explains any of the metric's variance");
        }
        int rows = Math.max(1, importance.size());
        double slot = (double) box.h / rows;
        int i = 0;
        for (Map.Entry<String, Double> e : importance.entrySet()) {
            int y = box.y + (int) Math.round(i * slot);
            int barH = (int) Math.max(4, Math.min(28, slot * 0.7));
            int top = y + (int) Math.round((slot - barH) / 2);
            g.setColor(BLUE);
            g.fillRect(box.x + 1, top, (int) Math.round(e.getValue() * box.w), barH);
            g.setColor(Color.DARK_GRAY);
            int w = g.getFontMetrics().stringWidth(e.getKey());
            g.drawString(e.getKey(), box.x - w - 8, top + barH / 2 + 4);
            g.drawString(String.format(Locale.ROOT, "%.1f%%", e.getValue() * 100),
                    box.x + (int) Math.round(e.getValue() * box.w) + 6, top + barH / 2 + 4);
            i++;
        }
        cv.save(file);
    }

    /** Metric against trainable parameters, the front joined. */
    public static void writePareto(SearchConfig c, List<ModelPoint> models, Path file) {
        Canvas cv = new Canvas();
        Graphics2D g = cv.g;
        Box box = new Box(90, 60, WIDTH - 130, HEIGHT - 140);
        box.frame(g, "Pareto front of " + c.study() + ": " + c.metric() + " against trainable parameters (COMPLETE "
                + "trials)", "trainable parameters (log)", c.metric());
        if (models.isEmpty()) {
            box.message(g, "no trial has a run folder with run.json under " + c.out());
            cv.save(file);
            return;
        }
        double lo = Math.log10(models.stream().mapToLong(ModelPoint::parameters).min().orElse(1));
        double hi = Math.log10(models.stream().mapToLong(ModelPoint::parameters).max().orElse(10));
        Scale xs = new Scale(Math.floor(lo * 4) / 4 - 0.1, Math.ceil(hi * 4) / 4 + 0.1);
        Scale ys = Scale.of(models.stream().mapToDouble(ModelPoint::value).toArray());
        for (double v : ys.ticks()) box.yTick(g, ys.f(v), fmt(v));
        for (double v : logTicks(xs.min, xs.max)) box.xTick(g, xs.f(Math.log10(v)), count(v));
        for (ModelPoint p : models) {
            int x = box.px(xs.f(Math.log10(p.parameters())));
            int y = box.py(ys.f(p.value()));
            if (p.state() == TrialState.COMPLETE) {
                g.setColor(BLUE);
                g.fillOval(x - 4, y - 4, 9, 9);
            } else {
                g.setColor(GREY);
                g.drawOval(x - 4, y - 4, 8, 8);
            }
        }
        List<ModelPoint> front = completeFront(models, c.maximise());
        g.setColor(ORANGE);
        g.setStroke(new BasicStroke(2f));
        for (int i = 1; i < front.size(); i++) {
            ModelPoint a = front.get(i - 1);
            ModelPoint b = front.get(i);
            g.drawLine(box.px(xs.f(Math.log10(a.parameters()))), box.py(ys.f(a.value())),
                    box.px(xs.f(Math.log10(b.parameters()))), box.py(ys.f(b.value())));
        }
        g.setStroke(new BasicStroke(1f));
        java.util.Set<String> labelled = new java.util.HashSet<>();
        for (int i = 0; i < front.size(); i++) {
            ModelPoint p = front.get(i);
            int x = box.px(xs.f(Math.log10(p.parameters())));
            int y = box.py(ys.f(p.value()));
            g.setColor(ORANGE);
            g.fillOval(x - 5, y - 5, 11, 11);
            if (!labelled.add(p.architecture() + "@" + p.value())) {
                continue; // the same architecture trained to the same value: one label
            }
            g.setColor(Color.DARK_GRAY);
            String label = p.architecture() + (p.macs() >= 0 ? " · " + count(p.macs()) + " MACs" : "");
            int w = g.getFontMetrics().stringWidth(label);
            int lx = Math.min(x + 8, box.x + box.w - w - 4);
            g.drawString(label, Math.max(box.x + 4, lx), y - 8 - (i % 2) * 14);
        }
        int ly = HEIGHT - 14;
        legendDot(g, box.x, ly, BLUE, true, "COMPLETE");
        legendDot(g, box.x + 120, ly, GREY, false, "PRUNED (not on the front)");
        legendLine(g, box.x + 330, ly, ORANGE, "Pareto front: no trial with fewer parameters does better");
        cv.save(file);
    }

    // ---- drawing --------------------------------------------------------------------------------------------------

    private static int axisX(Box box, int a, int axes) {
        return axes == 1 ? box.x + box.w / 2 : box.px((double) a / (axes - 1));
    }

    private static void axisTick(Graphics2D g, Box box, int x, double f, String label) {
        int y = box.py(f);
        g.setColor(Color.DARK_GRAY);
        g.drawLine(x - 3, y, x, y);
        g.drawString(label, x - 6 - g.getFontMetrics().stringWidth(label), y + 4);
    }

    /** Where a parameter's value lies on its axis, from 0 to 1; NaN when inactive (or not in the space). */
    private static double position(Param p, Object value) {
        if (value == null) return Double.NaN;
        if (p instanceof NumericParam r && value instanceof Number) {
            double span = r.internalHigh() - r.internalLow();
            return span > 0 ? (r.internal(value) - r.internalLow()) / span : 0.5;
        }
        if (p instanceof CategoricalParam cat) {
            int i = cat.indexOf(value);
            if (i < 0) return Double.NaN;
            return cat.choices().size() == 1 ? 0.5 : (double) i / (cat.choices().size() - 1);
        }
        return Double.NaN;
    }

    /** An axis's ticks: position -> label. */
    private static Map<Double, String> ticks(Param p) {
        Map<Double, String> ticks = new LinkedHashMap<>();
        if (p instanceof CategoricalParam cat) {
            for (Object choice : cat.choices()) ticks.put(position(p, choice), String.valueOf(choice));
        } else if (p instanceof NumericParam r) {
            List<Double> round = r.log() ? logTicks(Math.log10(r.low()), Math.log10(r.high()))
                    : new Scale(r.low(), r.high()).ticks();
            List<Double> values = new ArrayList<>(round);
            for (double end : new double[] {r.low(), r.high()}) { // the ends, unless a round value is close
                double f = position(p, end);
                if (round.stream().noneMatch(v -> Math.abs(position(p, v) - f) < 0.06)) values.add(end);
            }
            for (double v : values) {
                double value = r instanceof IntParam ? Math.round(v) : v;
                String label = r instanceof IntParam ? Long.toString((long) value) : fmt(value);
                if (value >= r.low() && value <= r.high() && !ticks.containsValue(label)) {
                    ticks.put(position(p, value), label);
                }
            }
        }
        return ticks;
    }

    /** 1, 2 and 5 times the powers of ten between 10^lo and 10^hi; only the powers when that makes more than 8. */
    private static List<Double> logTicks(double lo, double hi) {
        List<Double> all = new ArrayList<>();
        List<Double> decades = new ArrayList<>();
        for (int e = (int) Math.floor(lo); e <= (int) Math.ceil(hi); e++) {
            for (int m : new int[] {1, 2, 5}) {
                double v = m * Math.pow(10, e);
                double l = Math.log10(v);
                if (l < lo || l > hi) continue;
                all.add(v);
                if (m == 1) decades.add(v);
            }
        }
        return all.size() > 8 && decades.size() >= 2 ? decades : all;
    }

    private static Color colour(double f) {
        double x = Math.max(0, Math.min(1, f)) * (MAP.length - 1);
        int i = Math.min(MAP.length - 2, (int) Math.floor(x));
        double t = x - i;
        Color a = MAP[i];
        Color b = MAP[i + 1];
        return new Color((int) Math.round(a.getRed() + t * (b.getRed() - a.getRed())),
                (int) Math.round(a.getGreen() + t * (b.getGreen() - a.getGreen())),
                (int) Math.round(a.getBlue() + t * (b.getBlue() - a.getBlue())));
    }

    private static void legendDot(Graphics2D g, int x, int y, Color colour, boolean filled, String text) {
        g.setColor(colour);
        if (filled) g.fillOval(x, y - 9, 9, 9);
        else g.drawOval(x, y - 9, 8, 8);
        g.setColor(Color.DARK_GRAY);
        g.drawString(text, x + 16, y);
    }

    private static void legendLine(Graphics2D g, int x, int y, Color colour, String text) {
        g.setColor(colour);
        g.setStroke(new BasicStroke(2f));
        g.drawLine(x, y - 4, x + 18, y - 4);
        g.setStroke(new BasicStroke(1f));
        g.setColor(Color.DARK_GRAY);
        g.drawString(text, x + 24, y);
    }

    /** A value with about four significant digits. */
    static String fmt(double v) {
        String s = String.format(Locale.ROOT, "%.4g", v);
        if (s.contains("e")) return s.replaceAll("\\.?0+e", "e");
        return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }

    /** {@code 12.3k}, {@code 1.5M}, {@code 2.1G}. */
    public static String count(double v) {
        if (v >= 1e9) return digits(v / 1e9) + "G";
        if (v >= 1e6) return digits(v / 1e6) + "M";
        if (v >= 1e3) return digits(v / 1e3) + "k";
        return digits(v);
    }

    private static String digits(double v) {
        String s = String.format(Locale.ROOT, "%.3g", v);
        return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }

    /** A white image with anti-aliased 12-point sans-serif text. */
    private static final class Canvas {
        final BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        final Graphics2D g = image.createGraphics();

        Canvas() {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        }

        void save(Path file) {
            g.dispose();
            try {
                Path parent = file.toAbsolutePath().getParent();
                if (parent != null) Files.createDirectories(parent);
                ImageIO.write(image, "png", file.toFile());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
            }
        }
    }

    /** A linear scale from {@code min} to {@code max} onto [0, 1]. */
    private record Scale(double min, double max) {
        /** Covering the values with 5% to spare (a unit around a single value). */
        static Scale of(double[] values) {
            double lo = java.util.Arrays.stream(values).min().orElse(0);
            double hi = java.util.Arrays.stream(values).max().orElse(1);
            double pad = hi > lo ? (hi - lo) * 0.05 : Math.max(Math.abs(lo) * 0.05, 0.01);
            return new Scale(lo - pad, hi + pad);
        }

        double f(double v) {
            return (v - min) / (max - min);
        }

        /** Five to ten round values within the scale. */
        List<Double> ticks() {
            double raw = (max - min) / 5;
            double unit = Math.pow(10, Math.floor(Math.log10(raw)));
            double step = raw / unit >= 5 ? 5 * unit : raw / unit >= 2 ? 2 * unit : unit;
            List<Double> ticks = new ArrayList<>();
            for (double v = Math.ceil(min / step) * step; v <= max + 1e-12; v += step) {
                ticks.add(Math.abs(v) < step * 1e-9 ? 0 : v);
            }
            return ticks;
        }

        /** Whole numbers within the scale, at most {@code most} of them. */
        List<Double> integerTicks(int most) {
            int first = (int) Math.ceil(min);
            int last = (int) Math.floor(max);
            int step = Math.max(1, (int) Math.ceil((last - first + 1) / (double) most));
            List<Double> ticks = new ArrayList<>();
            for (int v = first; v <= last; v += step) ticks.add((double) v);
            return ticks;
        }
    }

    /** A plot area onto which [0, 1] x [0, 1] maps. */
    private record Box(int x, int y, int w, int h) {
        int px(double f) {
            return x + (int) Math.round(f * w);
        }

        int py(double f) {
            return y + h - (int) Math.round(Math.max(0, Math.min(1, f)) * h);
        }

        void frame(Graphics2D g, String title, String xLabel, String yLabel) {
            g.setColor(Color.DARK_GRAY);
            g.drawRect(x, y, w, h);
            g.setFont(g.getFont().deriveFont(Font.BOLD));
            g.drawString(title, x, y - 28);
            g.setFont(g.getFont().deriveFont(Font.PLAIN));
            g.drawString(xLabel, x + w / 2 - g.getFontMetrics().stringWidth(xLabel) / 2, y + h + 38);
            g.drawString(yLabel, x - 70, y - 8);
        }

        void xTick(Graphics2D g, double f, String label) {
            int px = px(f);
            g.setColor(Color.DARK_GRAY);
            g.drawLine(px, y + h, px, y + h + 4);
            g.drawString(label, px - g.getFontMetrics().stringWidth(label) / 2, y + h + 18);
        }

        void yTick(Graphics2D g, double f, String label) {
            int py = py(f);
            g.setColor(GRID);
            g.drawLine(x + 1, py, x + w - 1, py);
            g.setColor(Color.DARK_GRAY);
            g.drawLine(x - 4, py, x, py);
            g.drawString(label, x - 8 - g.getFontMetrics().stringWidth(label), py + 4);
        }

        void message(Graphics2D g, String text) {
            g.setColor(Color.GRAY);
            g.drawString(text, x + w / 2 - g.getFontMetrics().stringWidth(text) / 2, y + h / 2);
        }
    }
}
