package io.histoscale.bench.parallel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Data-parallel efficiency and time to train on {@code p} GPUs, from the {@link AlphaBeta} model of ring allreduce:
 * a step takes the per-GPU compute time plus the part of the gradient allreduce not hidden behind the backward pass,
 * {@code t(p) = t_gpu + (1 − overlap)·T_allreduce(p)}; efficiency is {@code t_gpu / t(p)}; time to train is the
 * number of steps ({@code images / (p · batch)}) times {@code t(p)}.
 *
 * <p>Assumptions: one flat ring over all GPUs, each GPU with its own link of the given bandwidth (as in DGX H100
 * nodes, one NIC per GPU); no hierarchical or tree algorithms, no compression; every GPU equally fast; data loading
 * keeps up; the per-GPU step time is an input, not measured here.
 */
public record Projection(Inputs inputs, List<Point> points) {

    /** GPU counts projected by default: 8 … 1024. */
    public static final List<Integer> GPUS = List.of(8, 16, 32, 64, 128, 256, 512, 1024);

    /**
     * What the projection assumes.
     *
     * @param gpu             what the per-GPU step time describes
     * @param stepSeconds     one GPU's forward + backward + optimiser step on its batch
     * @param linkGbps        interconnect bandwidth per GPU, gigabits per second
     * @param alphaSeconds    latency per ring step; NaN to take the one fitted here
     * @param parameters      trainable parameters (gradients allreduced each step)
     * @param bytesPerValue   bytes per gradient value (4: fp32, as DDP reduces them even with mixed precision)
     * @param bucketBytes     bytes per allreduce call (each pays the latency term)
     * @param overlap         share of the allreduce hidden behind the backward pass (0: none, conservative)
     * @param batchPerGpu     images per GPU per step
     * @param images          images to train on in total (epochs × data set)
     * @param workload        what {@code images} and {@code parameters} describe
     * @param gpus            GPU counts to project
     */
    public record Inputs(String gpu, double stepSeconds, double linkGbps, double alphaSeconds, long parameters,
                         int bytesPerValue, double bucketBytes, double overlap, int batchPerGpu, double images,
                         String workload, List<Integer> gpus) {

        /**
         * The defaults: ResNet-50 (25.6 M parameters) on ImageNet-1k for 90 epochs, batch 256 per GPU, on H100
         * GPUs taking 85 ms per step (about 3,000 images/s each with mixed precision), 200 Gb/s InfiniBand per GPU,
         * the latency fitted here, fp32 gradients in 25 MiB buckets, no overlap.
         */
        public static Inputs defaults() {
            return new Inputs("H100 SXM, mixed precision (input, not measured)", 0.085, 200, Double.NaN,
                    25_557_032L, 4, 25L << 20, 0, 256, 90 * 1_281_167.0,
                    "ResNet-50 on ImageNet-1k, 90 epochs", GPUS);
        }

        /** These inputs with the latency fitted here when none was given. */
        public Inputs withFittedAlpha(double fitted) {
            return Double.isNaN(alphaSeconds) ? new Inputs(gpu, stepSeconds, linkGbps, fitted, parameters,
                    bytesPerValue, bucketBytes, overlap, batchPerGpu, images, workload, gpus) : this;
        }
    }

    /** One projected GPU count. */
    public record Point(int gpus, double allreduceSeconds, double stepSeconds, double efficiency, double hours) {
    }

    public static Projection of(Inputs in) {
        AlphaBeta model = new AlphaBeta(in.alphaSeconds(), 8 / (in.linkGbps() * 1e9));
        double bytes = (double) in.parameters() * in.bytesPerValue();
        List<Point> points = new ArrayList<>();
        for (int p : in.gpus()) {
            double allreduce = model.seconds(bytes, p, in.bucketBytes());
            double step = in.stepSeconds() + (1 - in.overlap()) * allreduce;
            double steps = Math.ceil(in.images() / ((double) p * in.batchPerGpu()));
            points.add(new Point(p, allreduce, step, in.stepSeconds() / step, steps * step / 3600));
        }
        return new Projection(in, List.copyOf(points));
    }

    /** The efficiency at {@code gpus}, or NaN when not projected. */
    public double efficiencyAt(int gpus) {
        return points.stream().filter(p -> p.gpus() == gpus).mapToDouble(Point::efficiency).findFirst()
                .orElse(Double.NaN);
    }

    Map<String, Object> toJson() {
        Map<String, Object> assumptions = new LinkedHashMap<>();
        assumptions.put("workload", inputs.workload());
        assumptions.put("gpu", inputs.gpu());
        assumptions.put("gpu_step_ms", ScalingBench.round(inputs.stepSeconds() * 1e3));
        assumptions.put("batch_per_gpu", inputs.batchPerGpu());
        assumptions.put("parameters", inputs.parameters());
        assumptions.put("gradient_bytes_per_value", inputs.bytesPerValue());
        assumptions.put("link_Gbps_per_gpu", inputs.linkGbps());
        assumptions.put("alpha_us", ScalingBench.round(inputs.alphaSeconds() * 1e6));
        assumptions.put("bucket_MiB", ScalingBench.round(inputs.bucketBytes() / (1 << 20)));
        assumptions.put("overlap", inputs.overlap());
        assumptions.put("images", (long) inputs.images());
        assumptions.put("model", "flat ring allreduce, T = buckets·2(p−1)·α + 2(p−1)/p·bytes/bandwidth; step = "
                + "t_gpu + (1 − overlap)·T; efficiency = t_gpu / step; one link per GPU, equal GPUs, data keeps up");
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Point p : points) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("gpus", p.gpus());
            row.put("allreduce_ms", ScalingBench.round(p.allreduceSeconds() * 1e3));
            row.put("step_ms", ScalingBench.round(p.stepSeconds() * 1e3));
            row.put("efficiency", ScalingBench.round(p.efficiency()));
            row.put("hours_to_train", ScalingBench.round(p.hours()));
            rows.add(row);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("assumptions", assumptions);
        json.put("points", rows);
        json.put("efficiency_at_512", ScalingBench.round(efficiencyAt(512)));
        return json;
    }
}
